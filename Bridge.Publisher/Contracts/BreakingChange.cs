namespace Bridge.Publisher.Contracts;

/// <summary>One way a new contract version refuses events the previous version accepted.</summary>
/// <param name="Path">JSON Pointer into the new schema of the keyword at fault, e.g. <c>#/properties/amount/maximum</c>.</param>
/// <param name="Rule">The compatibility rule broken, e.g. <c>required-added</c>.</param>
/// <param name="Message">What changed, for people.</param>
public sealed record BreakingChange(string Path, string Rule, string Message);
