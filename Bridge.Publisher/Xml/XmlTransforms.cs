using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Xsl;
using Bridge.Store;
using Bridge.Store.Publishers;
using Bridge.Store.Transforms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bridge.Publisher.Xml;

/// <summary>The publishers' transforms: registered in the store, compiled once, the latest version of each cached.</summary>
public sealed partial class XmlTransforms(
    IDbContextFactory<BridgeDbContext> store, IOptions<XmlOptions> options, TimeProvider time, ILogger<XmlTransforms> logger)
{
    private const string BootstrapPublisher = "bootstrap";
    private readonly ConcurrentDictionary<string, (Active? Active, DateTimeOffset FetchedAt)> _latest = new(StringComparer.Ordinal);

    /// <summary>A compiled transform and its version.</summary>
    public sealed record Active(int Version, XslCompiledTransform Transform);

    /// <summary>The outcome of a registration.</summary>
    public sealed record Registration(XmlTransform? Transform, bool Created, string? Error, bool UnknownPublisher);

    /// <summary>The latest transform of <paramref name="publisher"/>, or null.</summary>
    public async Task<Active?> LatestAsync(string publisher, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_latest.TryGetValue(publisher, out var cached) && now - cached.FetchedAt < options.Value.RefreshInterval)
        {
            return cached.Active;
        }

        await using var db = await store.CreateDbContextAsync(cancellationToken);
        var latest = await db.Set<XmlTransform>().AsNoTracking().Where(t => t.PublisherId == publisher)
            .OrderByDescending(t => t.Version).FirstOrDefaultAsync(cancellationToken);
        Active? active = null;
        if (latest is not null)
        {
            active = cached.Active?.Version == latest.Version
                ? cached.Active
                : SafeXslt.Compile(latest.Xslt, int.MaxValue).Transform is { } compiled ? new Active(latest.Version, compiled) : null;
        }
        _latest[publisher] = (active, now);
        return active;
    }

    /// <summary>Registers <paramref name="xslt"/> as the next version, unless it is the latest already or does not compile safely.</summary>
    public async Task<Registration> RegisterAsync(string publisher, string xslt, string? description, string by, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        if (publisher != BootstrapPublisher && !await db.Set<PublisherRecord>().AnyAsync(p => p.Id == publisher, cancellationToken))
        {
            return new Registration(null, false, null, true);
        }

        var (_, error) = SafeXslt.Compile(xslt, options.Value.MaxStylesheetChars);
        if (error is not null)
        {
            return new Registration(null, false, error, false);
        }

        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(xslt)));
        for (var attempt = 0; ; attempt++)
        {
            var latest = await db.Set<XmlTransform>().AsNoTracking().Where(t => t.PublisherId == publisher)
                .OrderByDescending(t => t.Version).FirstOrDefaultAsync(cancellationToken);
            if (latest?.Fingerprint == fingerprint)
            {
                return new Registration(latest, false, null, false);
            }

            var transform = new XmlTransform
            {
                PublisherId = publisher,
                Version = (latest?.Version ?? 0) + 1,
                Xslt = xslt,
                Fingerprint = fingerprint,
                Description = description,
                RegisteredAt = time.GetUtcNow(),
                RegisteredBy = by,
            };
            db.Add(transform);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                _latest.TryRemove(publisher, out _);
                LogRegistered(logger, publisher, transform.Version, by);
                return new Registration(transform, true, null, false);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear(); // another registration took this version: look again
            }
        }
    }

    /// <summary>Every version of <paramref name="publisher"/>'s transform, oldest first.</summary>
    public async Task<IReadOnlyList<XmlTransform>> ListAsync(string publisher, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        return await db.Set<XmlTransform>().AsNoTracking().Where(t => t.PublisherId == publisher).OrderBy(t => t.Version).ToListAsync(cancellationToken);
    }

    /// <summary>One version, or null.</summary>
    public async Task<XmlTransform?> GetAsync(string publisher, int version, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken);
        return await db.Set<XmlTransform>().AsNoTracking().FirstOrDefaultAsync(t => t.PublisherId == publisher && t.Version == version, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "XML transform {Version} registered for publisher {Publisher} (by {By})")]
    private static partial void LogRegistered(ILogger logger, string publisher, int version, string by);
}
