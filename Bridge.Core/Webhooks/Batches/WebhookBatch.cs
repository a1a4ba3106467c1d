using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bridge.Envelopes;
using Bridge.Topology;

namespace Bridge.Webhooks.Batches;

/// <summary>
/// What a batch call carries: a JSON array of structured CloudEvents (<see cref="MediaType"/>, the CloudEvents JSON batch
/// format), signed once as a whole under a <c>webhook-id</c> that names the events it carries (<see cref="Id"/>); and
/// how the receiver answers that some events are refused for good (<see cref="Rejections"/>).
/// </summary>
public static class WebhookBatch
{
    /// <summary>The content type of a batch call.</summary>
    public const string MediaType = "application/cloudevents-batch+json";

    /// <summary>The prefix of a batch's <c>webhook-id</c>.</summary>
    public const string IdPrefix = "batch_";

    /// <summary>The most of a 2xx answer read for rejections.</summary>
    public const int AnswerBytes = 1024 * 1024;

    /// <summary>The longest reason kept of one rejection.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>
    /// The batch's <c>webhook-id</c>: <see cref="IdPrefix"/> and 32 hex digits of a SHA-256 over the subscription and the
    /// event ids in order. The same events sent again (a retried batch) carry the same id; any other set a different one.
    /// </summary>
    public static string Id(SubscriptionAddress address, IReadOnlyList<Envelope> envelopes)
    {
        ArgumentNullException.ThrowIfNull(envelopes);
        var text = new StringBuilder(address.ToString());
        foreach (var envelope in envelopes)
        {
            text.Append('\n').Append(envelope.Id);
        }
        return IdPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16);
    }

    /// <summary>
    /// One event's element of the batch: its structured serialisation (<paramref name="structured"/>), with its data projected
    /// first when <paramref name="target"/> has a projection. False, with why, for data that cannot be projected (permanent).
    /// </summary>
    public static bool TryElement(WebhookTarget target, Envelope envelope, ReadOnlyMemory<byte> structured, out ReadOnlyMemory<byte> element, [NotNullWhen(false)] out string? why)
    {
        ArgumentNullException.ThrowIfNull(target);
        element = structured;
        why = null;
        if (target.Projection is not { } projection)
        {
            return true;
        }

        if (!projection.TryApply(envelope, out var projected, out why))
        {
            return false;
        }
        element = EnvelopeSerializer.Serialize(projected);
        return true;
    }

    /// <summary>The body: the elements as one JSON array, in order.</summary>
    public static byte[] Body(IReadOnlyList<ReadOnlyMemory<byte>> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var length = 1 + elements.Count;
        foreach (var element in elements)
        {
            length += element.Length;
        }

        var body = new byte[Math.Max(length, 2)];
        var at = 0;
        body[at++] = (byte)'[';
        for (var i = 0; i < elements.Count; i++)
        {
            if (i > 0)
            {
                body[at++] = (byte)',';
            }
            elements[i].Span.CopyTo(body.AsSpan(at));
            at += elements[i].Length;
        }
        body[at] = (byte)']';
        return body;
    }

    /// <summary>
    /// The events a 2xx answer refuses for good, by id with the receiver's reason: a JSON body
    /// <c>{"rejected":[{"id":"…","reason":"…"}]}</c>. Any other body (none, not JSON, no <c>rejected</c>) refuses none:
    /// the receiver took every event. Entries without an id are ignored; a missing reason reads as "rejected by the receiver".
    /// </summary>
    public static IReadOnlyDictionary<string, string> Rejections(string? answer)
    {
        var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(answer) || !answer.AsSpan().TrimStart().StartsWith("{"))
        {
            return rejected;
        }

        try
        {
            using var document = JsonDocument.Parse(answer);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("rejected", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return rejected;
            }

            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    var reason = entry.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } text
                        ? text : "rejected by the receiver";
                    rejected.TryAdd(id.GetString()!, reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason);
                }
            }
        }
        catch (JsonException)
        {
            rejected.Clear();
        }
        return rejected;
    }
}
