using System.Text.Json;

namespace Bridge.Replay.Recovery;

/// <summary>
/// What a recovery job re-sends: the events its subscription delivered — answered 2xx — from <see cref="From"/> to
/// <see cref="To"/> (both inclusive, by delivery time). Stored with the job as JSON.
/// </summary>
/// <param name="From">Delivered at or after.</param>
/// <param name="To">Delivered at or before (the job's creation time when the request gave none).</param>
public sealed record RecoverySelection(DateTimeOffset From, DateTimeOffset To)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The selection as stored with a job.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored selection.</summary>
    public static RecoverySelection FromJson(string? json) =>
        (string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<RecoverySelection>(json, Json))
        ?? throw new InvalidOperationException("The recovery job has no selection.");
}
