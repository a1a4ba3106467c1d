using System.Text.Json;
using System.Text.Json.Serialization;
using Bridge.Envelopes;
using Bridge.Store.Contracts;

namespace Bridge.Publisher.Contracts;

/// <summary>Body of <c>POST /api/contracts/{eventType}/versions</c>.</summary>
/// <param name="Schema">The JSON Schema (an object) the event type's data must match.</param>
/// <param name="Description">What this version changes, for people (at most 1024 characters).</param>
/// <param name="Force">Register even when the schema is not backward compatible with the latest version (it is flagged breaking).</param>
public sealed record RegisterContractRequest(JsonElement? Schema, string? Description, bool Force = false);

/// <summary>A registered contract version, without its schema.</summary>
/// <param name="EventType">The event type it governs.</param>
/// <param name="Version">Its number: 1, 2, …</param>
/// <param name="Uri">The <c>dataschema</c> stamped on envelopes checked against it.</param>
/// <param name="Fingerprint">SHA-256 of the schema's canonical form.</param>
/// <param name="Description">What this version changed.</param>
/// <param name="Breaking">True when it was forced in although not backward compatible.</param>
/// <param name="RegisteredAt">When it was registered.</param>
public sealed record ContractVersionView(string EventType, int Version, string Uri, string Fingerprint, string? Description, bool Breaking, DateTimeOffset RegisteredAt)
{
    /// <summary>The view of a stored version.</summary>
    public static ContractVersionView From(ContractVersion row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.EventType, row.Version, ContractUri.Format(row.EventType, row.Version), row.Fingerprint, row.Description, row.Breaking, row.RegisteredAt);
    }
}

/// <summary>Answer of a registration: the version and, when forced, the breaking changes it brought.</summary>
/// <param name="Contract">The registered (or unchanged) version.</param>
/// <param name="BreakingChanges">Breaking changes against the previous version (only when forced).</param>
public sealed record ContractRegistered(
    ContractVersionView Contract,
    IReadOnlyList<BreakingChange> BreakingChanges);

/// <summary>A contract version with its schema.</summary>
/// <param name="Contract">The version.</param>
/// <param name="Schema">Its JSON Schema (canonical form).</param>
public sealed record ContractSchemaView(ContractVersionView Contract, JsonElement Schema);

/// <summary>An event type with a contract.</summary>
/// <param name="EventType">The event type.</param>
/// <param name="LatestVersion">The version events are checked against by default.</param>
/// <param name="Versions">How many versions it has.</param>
/// <param name="UpdatedAt">When the latest version was registered.</param>
/// <param name="Description">The latest version's description.</param>
public sealed record ContractSummary(string EventType, int LatestVersion, int Versions, DateTimeOffset UpdatedAt, string? Description);

/// <summary>Every event type with a contract.</summary>
/// <param name="Contracts">By event type.</param>
public sealed record ContractList(IReadOnlyList<ContractSummary> Contracts);

/// <summary>Every version of one event type's contract, oldest first.</summary>
/// <param name="EventType">The event type.</param>
/// <param name="LatestVersion">The latest version.</param>
/// <param name="Versions">The versions.</param>
public sealed record ContractVersionList(string EventType, int LatestVersion, IReadOnlyList<ContractVersionView> Versions);

/// <summary>One reason an event's data does not match its contract.</summary>
/// <param name="Index">The event's position in a batch (absent for a single event).</param>
/// <param name="Path">Where in the data, e.g. <c>$.lines[2].sku</c>.</param>
/// <param name="Kind">What is wrong, e.g. <c>PropertyRequired</c>, <c>StringTooLong</c>.</param>
/// <param name="Message">The same, for people.</param>
public sealed record ContractError(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Index,
    string Path,
    string Kind,
    string Message);
