using Bridge.Envelopes;
using NJsonSchema;

namespace Bridge.Publisher.Contracts;

/// <summary>A registered contract version with its schema ready to validate with.</summary>
internal sealed record CompiledContract(string EventType, int Version, JsonSchema Schema)
{
    /// <summary>The <c>dataschema</c> stamped on envelopes checked against it.</summary>
    public string Uri => ContractUri.Format(EventType, Version);
}
