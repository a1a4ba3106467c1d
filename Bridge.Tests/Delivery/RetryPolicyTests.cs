using System.Net;
using Bridge.Subscriber.Delivery;
using Bridge.Webhooks;

namespace Bridge.Tests.Delivery;

public sealed class RetryPolicyTests
{
    [Theory]
    [InlineData(200, AttemptOutcome.Delivered)]
    [InlineData(204, AttemptOutcome.Delivered)]
    [InlineData(400, AttemptOutcome.Rejected)]
    [InlineData(401, AttemptOutcome.Rejected)]
    [InlineData(404, AttemptOutcome.Rejected)]
    [InlineData(410, AttemptOutcome.Rejected)]
    [InlineData(408, AttemptOutcome.Failed)]
    [InlineData(429, AttemptOutcome.Failed)]
    [InlineData(500, AttemptOutcome.Failed)]
    [InlineData(503, AttemptOutcome.Failed)]
    [InlineData(302, AttemptOutcome.Rejected)]
    public void Status_codes_are_classified_as_delivered_rejected_or_transient(int status, AttemptOutcome expected) =>
        Assert.Equal(expected, WebhookSender.Classify((HttpStatusCode)status));

    [Fact]
    public void An_explicit_schedule_is_kept_to_exactly_and_a_retry_after_still_wins_within_the_cap()
    {
        IReadOnlyList<TimeSpan> schedule = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromHours(2)];
        var max = TimeSpan.FromMinutes(10);
        Assert.Equal(TimeSpan.FromSeconds(5), RetryPolicy.NextDelay(1, TimeSpan.FromSeconds(1), max, schedule, null, 0.9));
        Assert.Equal(TimeSpan.FromMinutes(5), RetryPolicy.NextDelay(2, TimeSpan.FromSeconds(1), max, schedule, null, 0.1));
        Assert.Equal(TimeSpan.FromHours(2), RetryPolicy.NextDelay(3, TimeSpan.FromSeconds(1), max, schedule, null, 0.5));
        Assert.Equal(TimeSpan.FromHours(2), RetryPolicy.NextDelay(9, TimeSpan.FromSeconds(1), max, schedule, null, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.NextDelay(1, TimeSpan.FromSeconds(1), max, schedule, TimeSpan.FromSeconds(30), 0.5));
        Assert.Equal(max, RetryPolicy.NextDelay(1, TimeSpan.FromSeconds(1), max, schedule, TimeSpan.FromHours(3), 0.5));
    }

    [Fact]
    public void Delays_grow_exponentially_with_jitter_between_half_and_full()
    {
        var baseDelay = TimeSpan.FromSeconds(1);
        var max = TimeSpan.FromMinutes(10);
        Assert.Equal(TimeSpan.FromMilliseconds(500), RetryPolicy.NextDelay(1, baseDelay, max, [], null, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryPolicy.NextDelay(1, baseDelay, max, [], null, 1));
        Assert.Equal(TimeSpan.FromSeconds(4), RetryPolicy.NextDelay(3, baseDelay, max, [], null, 1));
        Assert.Equal(TimeSpan.FromSeconds(3), RetryPolicy.NextDelay(3, baseDelay, max, [], null, 0.5));
    }

    [Fact]
    public void Delays_never_exceed_the_maximum()
    {
        var delay = RetryPolicy.NextDelay(40, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), [], null, 1);
        Assert.Equal(TimeSpan.FromSeconds(30), delay);
    }

    [Fact]
    public void Retry_after_wins_within_the_maximum()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), RetryPolicy.NextDelay(1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), [], TimeSpan.FromSeconds(7), 0.3));
        Assert.Equal(TimeSpan.FromMinutes(1), RetryPolicy.NextDelay(1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), [], TimeSpan.FromHours(2), 0.3));
    }
}
