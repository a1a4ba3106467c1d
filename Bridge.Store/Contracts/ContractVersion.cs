namespace Bridge.Store.Contracts;

/// <summary>One registered version of an event type's contract: a JSON Schema its data must match.</summary>
public sealed class ContractVersion
{
    /// <summary>Store key.</summary>
    public long Id { get; set; }

    /// <summary>The CloudEvents <c>type</c> the contract governs, e.g. <c>order.created</c>.</summary>
    public required string EventType { get; set; }

    /// <summary>1, 2, … per event type, assigned by Bridge; unique with <see cref="EventType"/>.</summary>
    public int Version { get; set; }

    /// <summary>The JSON Schema, as registered.</summary>
    public required string SchemaJson { get; set; }

    /// <summary>SHA-256 (hex) of the schema in canonical form (sorted members, no white space): equal schemas share it.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>What changed in this version, for people.</summary>
    public string? Description { get; set; }

    /// <summary>True when the version was forced in although it is not backward compatible with the one before.</summary>
    public bool Breaking { get; set; }

    /// <summary>When it was registered.</summary>
    public DateTimeOffset RegisteredAt { get; set; }
}
