using System.Text.Json;
using Bridge.Store;
using Bridge.Store.Endpoints;
using Bridge.Store.Subscriptions;
using Bridge.Topology;
using Bridge.Webhooks;
using Bridge.Webhooks.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Subscriptions;

/// <summary>The API-made subscriptions in the store: create, change, rotate, tombstone and purge, and their runtime definitions.</summary>
internal sealed class SubscriptionDirectory(
    IDbContextFactory<BridgeDbContext> contexts, WebhookSecrets secrets, CredentialSecrets credentialSecrets, IOptions<SubscriptionsOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Every row, tombstones included.</summary>
    public async Task<IReadOnlyList<SubscriptionRecord>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SubscriptionRecord>().AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>The row of a subscription, tombstone or not.</summary>
    public async Task<SubscriptionRecord?> FindAsync(SubscriptionAddress address, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SubscriptionRecord>().AsNoTracking()
            .SingleOrDefaultAsync(s => s.Topic == address.Topic && s.Name == address.Subscription, cancellationToken);
    }

    /// <summary>Live API-made subscriptions of a topic.</summary>
    public async Task<int> CountLiveAsync(string topic, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SubscriptionRecord>().CountAsync(s => s.Topic == topic && s.DeletedAt == null, cancellationToken);
    }

    /// <summary>Live API-made subscriptions owned by <paramref name="owner"/>, over every topic.</summary>
    public async Task<int> CountOwnedAsync(string owner, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Set<SubscriptionRecord>().CountAsync(s => s.CreatedBy == owner && s.DeletedAt == null, cancellationToken);
    }

    /// <summary>
    /// Stores a new subscription, a push one with a new secret and the secret values of its <paramref name="credentials"/>
    /// encrypted (a pull one has no URL and no secret: both are kept empty); null when a row of that name exists (a race lost).
    /// </summary>
    public async Task<(SubscriptionRecord Record, string? Secret)?> CreateAsync(
        SubscriptionAddress address, string? description, Uri? url, SubscriptionSettings settings, CredentialOptions? credentials, string createdBy,
        CancellationToken cancellationToken)
    {
        var secret = settings.IsPull ? null : WebhookSecret.Generate();
        var now = time.GetUtcNow();
        var record = new SubscriptionRecord
        {
            Topic = address.Topic,
            Name = address.Subscription,
            Description = description,
            Url = url?.AbsoluteUri ?? "",
            Settings = JsonSerializer.Serialize(settings, Json),
            ProtectedSecret = secret is null ? "" : secrets.Protect(secret),
            ProtectedCredentials = credentialSecrets.Protect(credentials),
            CreatedAt = now,
            CreatedBy = createdBy,
            UpdatedAt = now,
            Version = 1,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return null;
        }
        return (record, secret);
    }

    /// <summary>
    /// Changes a live subscription (last writer wins), its credentials replaced by <paramref name="credentials"/> (null:
    /// none); null when there is none (owned by <paramref name="owner"/>, unless null). Throws
    /// <see cref="DeliveryConflictException"/> when the change would turn push into pull or back.
    /// </summary>
    public Task<SubscriptionRecord?> UpdateAsync(
        SubscriptionAddress address, string? owner, string? description, Uri? url, SubscriptionSettings settings, CredentialOptions? credentials,
        CancellationToken cancellationToken) =>
        ChangeAsync(address, owner, record =>
        {
            var was = SettingsOf(record).DeliveryName;
            if (was != settings.DeliveryName)
            {
                throw DeliveryConflictException.DeliveryChanged(address.Topic, address.Subscription, was, settings.DeliveryName);
            }

            record.Description = description;
            record.Url = url?.AbsoluteUri ?? "";
            record.Settings = JsonSerializer.Serialize(settings, Json);
            record.ProtectedCredentials = credentialSecrets.Protect(credentials);
        }, cancellationToken);

    /// <summary>Turns a live subscription into a tombstone; null when there is none (owned by <paramref name="owner"/>, unless null).</summary>
    public Task<SubscriptionRecord?> DeleteAsync(SubscriptionAddress address, string? owner, CancellationToken cancellationToken) =>
        ChangeAsync(address, owner, record => record.DeletedAt = time.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Gives a live push subscription a new secret; the old one keeps signing for <paramref name="grace"/>. Throws
    /// <see cref="DeliveryConflictException"/> for a pull subscription, which has none.
    /// </summary>
    public async Task<(SubscriptionRecord Record, string Secret)?> RotateAsync(SubscriptionAddress address, string? owner, TimeSpan grace, CancellationToken cancellationToken)
    {
        var secret = WebhookSecret.Generate();
        var record = await ChangeAsync(address, owner, record =>
        {
            if (SettingsOf(record).IsPull)
            {
                throw DeliveryConflictException.NoSecret(address.Topic, address.Subscription);
            }

            record.ProtectedPreviousSecret = grace > TimeSpan.Zero ? record.ProtectedSecret : null;
            record.PreviousSecretExpiresAt = grace > TimeSpan.Zero ? time.GetUtcNow() + grace : null;
            record.ProtectedSecret = secrets.Protect(secret);
        }, cancellationToken);
        return record is null ? null : (record, secret);
    }

    /// <summary>Removes a tombstone (at the version it was read) and the endpoint state kept for it.</summary>
    public async Task PurgeAsync(SubscriptionRecord tombstone, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Set<SubscriptionRecord>()
            .Where(s => s.Topic == tombstone.Topic && s.Name == tombstone.Name && s.Version == tombstone.Version && s.DeletedAt != null)
            .ExecuteDeleteAsync(cancellationToken);
        await db.Set<WebhookEndpoint>()
            .Where(e => e.Topic == tombstone.Topic && e.Subscription == tombstone.Name)
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>The settings a row holds.</summary>
    public static SubscriptionSettings SettingsOf(SubscriptionRecord record) =>
        JsonSerializer.Deserialize<SubscriptionSettings>(record.Settings, Json)
            ?? throw new InvalidOperationException($"Subscription {record.Topic}/{record.Name} has no settings.");

    /// <summary>The runtime definition of a live row, or null when its secret or its credentials cannot be decrypted.</summary>
    public SubscriptionDefinition? Define(SubscriptionRecord record) => Define(record, out _);

    /// <summary>
    /// The runtime definition of a live row, or null when its secret or its credentials cannot be decrypted (a lost key
    /// ring): <paramref name="problem"/> then says which, and what to do. A pull subscription has no secret; its creator
    /// is the owner whose keys may receive from it.
    /// </summary>
    public SubscriptionDefinition? Define(SubscriptionRecord record, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(record);
        problem = null;
        var settings = SettingsOf(record);
        if (settings.IsPull)
        {
            return Runtime(record, TopologyCatalog.Define(record.Topic, record.Name, settings.ToOptions(options.Value.Defaults, null, null, record.CreatedBy)));
        }

        if (secrets.Unprotect(record.ProtectedSecret) is not { } secret)
        {
            problem = UnreadableSecrets.Problem;
            return null;
        }

        CredentialOptions? credentials = null;
        if (settings.Credentials is { } shown && (credentials = credentialSecrets.Unprotect(shown, record.ProtectedCredentials)) is null)
        {
            problem = UnreadableSecrets.CredentialsProblem;
            return null;
        }

        var previous = record.ProtectedPreviousSecret is { } old && record.PreviousSecretExpiresAt is { } until && secrets.Unprotect(old) is { } oldSecret
            ? new RetiringSecret(oldSecret, until)
            : null;
        var definition = TopologyCatalog.Define(record.Topic, record.Name, settings.ToOptions(options.Value.Defaults, record.Url, secret, null, credentials));
        return Runtime(record, definition with { Webhook = definition.Webhook is { } webhook ? webhook with { PreviousSecret = previous } : null });
    }

    /// <summary>How the catalog knows a definition made from <paramref name="record"/>.</summary>
    private static SubscriptionDefinition Runtime(SubscriptionRecord record, SubscriptionDefinition definition) => definition with
    {
        Source = SubscriptionSource.Api,
        Revision = record.Version,
        Description = record.Description,
    };

    /// <summary>What a row whose secret cannot be decrypted still tells about its subscription.</summary>
    public static UnreadableSubscription Unreadable(SubscriptionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var settings = SettingsOf(record);
        return new UnreadableSubscription(
            new SubscriptionAddress(record.Topic, record.Name), new Uri(record.Url), settings.Types, settings.Subject, settings.Properties,
            settings.MaxAttempts, settings.Concurrency ?? 0, record.Version);
    }

    private async Task<SubscriptionRecord?> ChangeAsync(SubscriptionAddress address, string? owner, Action<SubscriptionRecord> change, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var record = await db.Set<SubscriptionRecord>()
            .SingleOrDefaultAsync(s => s.Topic == address.Topic && s.Name == address.Subscription && s.DeletedAt == null
                && (owner == null || s.CreatedBy == owner), cancellationToken);
        if (record is null)
        {
            return null;
        }

        change(record);
        record.UpdatedAt = time.GetUtcNow();
        record.Version++;
        await db.SaveChangesAsync(cancellationToken); // a concurrent change makes this throw: the caller answers 409
        return record;
    }
}
