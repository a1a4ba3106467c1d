namespace Bridge.Sources;

/// <summary>Carries a failure out of the standardiser's steps to <see cref="SourceStandardiser.Standardise"/>, which returns it as a result.</summary>
internal sealed class SourceRejectedException(string reason, string description) : Exception(description)
{
    /// <summary>One of <see cref="SourceFailureReasons"/>.</summary>
    public string Reason { get; } = reason;

    /// <summary>The same failure, its description prefixed with where it happened (an event of a batch).</summary>
    public SourceRejectedException At(string where) => new(Reason, where + Message);
}
