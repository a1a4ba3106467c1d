namespace Bridge.Sources;

/// <summary>One call of the standardiser: the message, the source it came from, its mapping, and when it was received.</summary>
internal sealed record SourceInput(string SourceName, SourceMessage Message, SourceMapping Mapping, DateTimeOffset Now)
{
    /// <summary>The context of one event of the message, whose data is <paramref name="data"/> of <paramref name="contentType"/>.</summary>
    public SourceContext For(ReadOnlyMemory<byte> data, string contentType, System.Text.Json.JsonDocument? parsed = null) =>
        new(SourceName, Message, Mapping, Now, data, contentType, parsed);
}
