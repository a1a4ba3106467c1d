using System.ComponentModel;
using System.Globalization;
using Bridge.Store.Events;
using Microsoft.AspNetCore.Mvc;

namespace Bridge.Replay.Audit;

/// <summary>The query string of <c>GET /api/events</c>; every parameter is optional and they combine with AND.</summary>
/// <param name="CorrelationId">Only events with this correlation id.</param>
/// <param name="Topic">Only events published to this topic.</param>
/// <param name="Type">Only events of this CloudEvent type.</param>
/// <param name="From">Only events accepted at or after this time (ISO 8601).</param>
/// <param name="To">Only events accepted before this time (ISO 8601).</param>
/// <param name="After">The <c>next</c> of the previous page.</param>
/// <param name="Limit">Page size, 1 to 500.</param>
public sealed record EventSearchQuery(
    [FromQuery(Name = "correlationId")][property: Description("Only events with this correlation id.")] string? CorrelationId,
    [FromQuery(Name = "topic")][property: Description("Only events published to this topic.")] string? Topic,
    [FromQuery(Name = "type")][property: Description("Only events of this CloudEvent type.")] string? Type,
    [FromQuery(Name = "from")][property: Description("Only events accepted at or after this time (ISO 8601, e.g. 2025-01-31T12:00:00Z).")] string? From,
    [FromQuery(Name = "to")][property: Description("Only events accepted before this time (ISO 8601).")] string? To,
    [FromQuery(Name = "after")][property: Description("The 'next' of the previous page.")] string? After,
    [FromQuery(Name = "limit")][property: Description("Page size, 1 to 500 (default 100).")] string? Limit)
{
    /// <summary>Page size when none is given.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Largest page.</summary>
    public const int MaxLimit = 500;

    /// <summary>Checks the parameters; every problem goes into <paramref name="errors"/>.</summary>
    internal EventFilter? Parse(Dictionary<string, string[]> errors)
    {
        var limit = DefaultLimit;
        if (Limit is not null && (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"limit must be a whole number from 1 to {MaxLimit}."];
        }

        long? after = null;
        if (After is not null)
        {
            if (long.TryParse(After, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                after = value;
            }
            else
            {
                errors["after"] = ["after must be the 'next' of a previous page."];
            }
        }

        var from = Time(From, "from", errors);
        var to = Time(To, "to", errors);
        if (from > to)
        {
            errors["from"] = ["from must not be later than to."];
        }

        return errors.Count > 0 ? null : new EventFilter(Blank(CorrelationId), Blank(Topic), Blank(Type), from, to, after, limit);
    }

    private static DateTimeOffset? Time(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        errors[name] = [$"{name} must be an ISO 8601 date and time, e.g. 2025-01-31T12:00:00Z."];
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>A checked <see cref="EventSearchQuery"/>.</summary>
internal sealed record EventFilter(string? CorrelationId, string? Topic, string? Type, DateTimeOffset? From, DateTimeOffset? To, long? After, int Limit)
{
    /// <summary>The matching events, newest first (by store id), from <see cref="After"/> on, one more than a page.</summary>
    public IQueryable<AuditedEvent> Apply(IQueryable<AuditedEvent> events)
    {
        if (CorrelationId is { } correlationId)
        {
            events = events.Where(e => e.CorrelationId == correlationId);
        }
        if (Topic is { } topic)
        {
            events = events.Where(e => e.Topic == topic);
        }
        if (Type is { } type)
        {
            events = events.Where(e => e.Type == type);
        }
        if (From is { } from)
        {
            events = events.Where(e => e.AcceptedAt >= from);
        }
        if (To is { } to)
        {
            events = events.Where(e => e.AcceptedAt < to);
        }
        if (After is { } after)
        {
            events = events.Where(e => e.Id < after);
        }
        return events.OrderByDescending(e => e.Id).Take(Limit + 1);
    }
}
