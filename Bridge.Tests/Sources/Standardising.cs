using Bridge.Sources;

namespace Bridge.Tests.Sources;

/// <summary>Runs the standardiser for the source <c>erp</c> at a fixed time and unwraps the outcome.</summary>
internal static class Standardising
{
    public const string SourceName = "erp";

    public static readonly DateTimeOffset Now = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    public static SourceMapping Mapping(string? type = "order.created") => new() { Type = type };

    public static SourceMessage Json(string json, IReadOnlyDictionary<string, object?>? properties = null, string? contentType = "application/json") => new()
    {
        Body = Encoding.UTF8.GetBytes(json),
        ContentType = contentType,
        Properties = properties ?? SourceMessage.EmptyProperties,
    };

    /// <summary>The one envelope the message becomes; fails the test with the failure description otherwise.</summary>
    public static Envelope One(SourceMessage message, SourceMapping? mapping = null)
    {
        var result = SourceStandardiser.Standardise(SourceName, message, mapping ?? Mapping(), Now);
        Assert.False(result.Failed, result.FailureDescription);
        return Assert.Single(result.Envelopes);
    }

    /// <summary>The failure the message becomes, which must be for <paramref name="reason"/>.</summary>
    public static string Failure(string reason, SourceMessage message, SourceMapping? mapping = null)
    {
        var result = SourceStandardiser.Standardise(SourceName, message, mapping ?? Mapping(), Now);
        Assert.True(result.Failed, "Expected a failure, got an envelope.");
        Assert.Empty(result.Envelopes);
        Assert.Equal(reason, result.FailureReason);
        return result.FailureDescription!;
    }
}
