namespace Bridge.Sources;

/// <summary>What an event said about itself before the mapping fills the rest.</summary>
/// <param name="IsCloudEvent">The message was a CloudEvent: its own attributes win, and it must carry an id.</param>
/// <param name="HasCorrelationId">The event carried a <c>correlationid</c> extension.</param>
/// <param name="Time">The event's own <c>time</c>, if it had one.</param>
/// <param name="DataContentTypeFromMapping">The data's media type is <see cref="SourceMapping.DataContentType"/>: the message had none.</param>
internal sealed record EventFacts(bool IsCloudEvent, bool HasCorrelationId, DateTimeOffset? Time, bool DataContentTypeFromMapping);
