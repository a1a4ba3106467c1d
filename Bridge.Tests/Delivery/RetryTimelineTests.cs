using Bridge.Subscriber.Delivery;

namespace Bridge.Tests.Delivery;

/// <summary>
/// The retry schedule's timeline: when each attempt of an envelope whose endpoint stays down comes, with the defaults,
/// with an explicit schedule, and with explicit doubling settings (kept exactly as before the defaults changed).
/// </summary>
public sealed class RetryTimelineTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public void The_default_timeline_doubles_from_two_seconds_to_six_hours_and_retries_for_about_a_day()
    {
        var webhook = Define(new WebhookOptions { Url = "https://hooks.example/in", Secret = Secret });
        Assert.Equal(19, webhook.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), webhook.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromHours(6), webhook.MaxRetryDelay);
        Assert.Empty(webhook.RetrySchedule);

        // The delay before attempts 2…19: 2 s doubling to 16384 s (4 h 33 min), then capped at 6 h four times.
        double[] ceilings = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 21600, 21600, 21600, 21600];
        Assert.Equal(ceilings, Delays(webhook, random: 1).Select(d => d.TotalSeconds));
        Assert.Equal(ceilings.Select(c => c / 2), Delays(webhook, random: 0).Select(d => d.TotalSeconds)); // jitter: half fixed, half random

        // The last attempt comes 16.5 h to 33.1 h after the first — 24.8 h on average — then the envelope is dead-lettered.
        Assert.Equal(TimeSpan.FromSeconds(119_166), Horizon(webhook, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(59_583), Horizon(webhook, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(89_374.5), Horizon(webhook, random: 0.5));
        Assert.InRange(Horizon(webhook, random: 0.5).TotalHours, 24, 28);

        // A receiver's Retry-After of hours is honoured, within the 6 h cap.
        Assert.Equal(TimeSpan.FromHours(3), RetryPolicy.NextDelay(1, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, TimeSpan.FromHours(3), 0.5));
        Assert.Equal(TimeSpan.FromHours(6), RetryPolicy.NextDelay(1, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, TimeSpan.FromHours(10), 0.5));
    }

    [Fact]
    public void An_explicit_schedule_gives_its_own_timeline_without_jitter()
    {
        // The shape of Svix's schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
        var webhook = Define(new WebhookOptions
        {
            Url = "https://hooks.example/in",
            Secret = Secret,
            RetrySchedule = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10)],
        });
        Assert.Equal(8, webhook.MaxAttempts);

        TimeSpan[] sinceFirst = [TimeSpan.Zero, TimeSpan.Parse("00:00:05"), TimeSpan.Parse("00:05:05"), TimeSpan.Parse("00:35:05"), TimeSpan.Parse("02:35:05"), TimeSpan.Parse("07:35:05"), TimeSpan.Parse("17:35:05"), TimeSpan.Parse("1.03:35:05")];
        Assert.Equal(sinceFirst, Timeline(webhook, random: 0));
        Assert.Equal(sinceFirst, Timeline(webhook, random: 1));
    }

    [Fact]
    public void Explicit_doubling_settings_keep_their_timeline()
    {
        // What the defaults used to be, now written down: 8 attempts from 2 s capped at 10 min end within 8.5 min, as before.
        var webhook = Define(new WebhookOptions
        {
            Url = "https://hooks.example/in",
            Secret = Secret,
            MaxAttempts = 8,
            RetryBaseDelay = TimeSpan.FromSeconds(2),
            MaxRetryDelay = TimeSpan.FromMinutes(10),
        });
        Assert.Equal(8, webhook.MaxAttempts);
        Assert.Equal([2d, 4, 8, 16, 32, 64, 128], Delays(webhook, random: 1).Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(254), Horizon(webhook, random: 1));
        Assert.Equal(TimeSpan.FromSeconds(127), Horizon(webhook, random: 0));
    }

    private static WebhookTarget Define(WebhookOptions webhook) =>
        TopologyCatalog.Define("orders", "erp", new SubscriptionOptions { Webhook = webhook }).PushTarget;

    /// <summary>The delay after each attempt but the last, with the jitter's random draw fixed.</summary>
    private static List<TimeSpan> Delays(WebhookTarget webhook, double random) =>
        [.. Enumerable.Range(1, webhook.MaxAttempts - 1).Select(attempt => RetryPolicy.NextDelay(attempt, webhook.RetryBaseDelay, webhook.MaxRetryDelay, webhook.RetrySchedule, null, random))];

    /// <summary>When each attempt comes, counted from the first (the calls themselves taking no time).</summary>
    private static List<TimeSpan> Timeline(WebhookTarget webhook, double random)
    {
        var at = TimeSpan.Zero;
        List<TimeSpan> timeline = [at];
        foreach (var delay in Delays(webhook, random))
        {
            at += delay;
            timeline.Add(at);
        }
        return timeline;
    }

    private static TimeSpan Horizon(WebhookTarget webhook, double random) => Timeline(webhook, random)[^1];
}
