using Bridge.Store.Attempts;
using Bridge.Store.DeadLetters;
using Bridge.Store.Deliveries;
using Bridge.Store.Endpoints;
using Bridge.Store.Events;
using Bridge.Store.Replays;
using Bridge.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Bridge.Tests.Store;

public abstract partial class StoreBehaviour
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_123);

    [Fact]
    public async Task Every_entity_is_stored_and_read_back_as_it_was()
    {
        await Store.MigrateAsync(ConnectionString);
        var job = new ReplayJob
        {
            Id = "rj_" + Guid.NewGuid().ToString("N"),
            Topic = "orders",
            Subscription = "erp",
            FilterJson = """{"types":["order.created"]}""",
            TargetUrl = "https://erp.example.com/hooks/v2",
            RatePerSecond = 50,
            Status = ReplayJobStatus.Running,
            Total = 10,
            Replayed = 4,
            Skipped = 1,
            FailedCount = 2,
            CreatedAt = T0,
            StartedAt = T0.AddSeconds(1),
            RequestedBy = "operator",
            Error = "partly failed",
        };
        object[] written =
        [
            new AuditedEvent
            {
                MessageId = "m-1", Topic = "orders", Type = "order.created", Source = "/erp", Subject = "orders/1", CorrelationId = "c-1",
                OrderingKey = "customer-7", Time = T0.AddMinutes(-1), AcceptedAt = T0, SizeBytes = 321, Envelope = [0x7b, 0x00, 0xff, 0x7d],
            },
            new AuditedEvent { MessageId = "m-2", Topic = "orders", Type = "order.created", Source = "/erp", CorrelationId = "c-2", Time = T0, AcceptedAt = T0 },
            new DeliveryRecord
            {
                Topic = "orders", Subscription = "erp", MessageId = "m-1", CorrelationId = "c-1", Status = DeliveryStatus.DeadLettered, Attempts = 3,
                FirstAttemptAt = T0, LastAttemptAt = T0.AddSeconds(9), CompletedAt = T0.AddSeconds(10), LastStatusCode = 503, LastError = "HTTP 503",
            },
            new DeadLetterRecord
            {
                Topic = "orders", Subscription = "erp", MessageId = "m-1", CorrelationId = "c-1", Type = "order.created", Reason = "MaxAttemptsExceeded",
                Description = "3 attempts failed", DeliveryCount = 3, DeadLetteredAt = T0.AddSeconds(10), State = DeadLetterState.Replayed,
                ResolvedAt = T0.AddHours(1), ResolvedBy = "operator",
            },
            job,
            new ReplayRecord { Topic = "orders", Subscription = "erp", MessageId = "m-1", ReplayedAt = T0.AddHours(1), RequestedBy = "operator", DeadLetterReason = "MaxAttemptsExceeded", JobId = job.Id },
            new WebhookEndpoint
            {
                Topic = "orders", Subscription = "erp", Url = "https://erp.example.com/hooks", Paused = true, PausedAt = T0, PausedBy = "operator",
                PauseReason = "maintenance", UpdatedAt = T0,
            },
            new WebhookEndpoint { Topic = "orders", Subscription = "crm", Url = "https://crm.example.com/hooks", UpdatedAt = T0 },
            new DeliveryAttempt
            {
                Topic = "orders", Subscription = "erp", MessageId = "m-1", CorrelationId = "c-1", Attempt = 1, StartedAt = T0, DurationMs = 12.5,
                StatusCode = 503, Outcome = AttemptOutcome.Failed, Error = "HTTP 503", ResponseExcerpt = "down",
            },
        ];
        await using (var db = Store.CreateContext(ConnectionString))
        {
            db.AddRange(written);
            await db.SaveChangesAsync(Ct);
        }

        await using var read = Store.CreateContext(ConnectionString);
        Assert.Equivalent(written.OfType<AuditedEvent>(), await read.Events.OrderBy(e => e.Id).ToListAsync(Ct), strict: true);
        Assert.Equivalent(written.OfType<DeliveryRecord>(), await read.Deliveries.ToListAsync(Ct), strict: true);
        Assert.Equivalent(written.OfType<DeadLetterRecord>(), await read.DeadLetters.ToListAsync(Ct), strict: true);
        Assert.Equivalent(written.OfType<ReplayJob>(), await read.ReplayJobs.ToListAsync(Ct), strict: true);
        Assert.Equivalent(written.OfType<ReplayRecord>(), await read.Replays.Where(r => r.JobId == job.Id).ToListAsync(Ct), strict: true);
        Assert.Equivalent(written.OfType<WebhookEndpoint>(), await read.WebhookEndpoints.OrderBy(w => w.Subscription == "crm" ? 1 : 0).ToListAsync(Ct), strict: true);
        Assert.Equivalent(written.OfType<DeliveryAttempt>(), await read.DeliveryAttempts.ToListAsync(Ct), strict: true);
        Assert.Equal(T0, (await read.Events.FirstAsync(e => e.AcceptedAt >= T0 && e.Subject != null, Ct)).AcceptedAt);
    }

    [Fact]
    public async Task A_second_delivery_record_of_one_envelope_and_subscription_is_refused()
    {
        await Store.MigrateAsync(ConnectionString);
        await using var db = Store.CreateContext(ConnectionString);
        db.Deliveries.Add(Delivery("erp"));
        db.Deliveries.Add(Delivery("crm"));
        await db.SaveChangesAsync(Ct);

        await using var other = Store.CreateContext(ConnectionString);
        other.Deliveries.Add(Delivery("erp"));
        await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync(Ct));

        static DeliveryRecord Delivery(string subscription) => new()
        {
            Topic = "orders",
            Subscription = subscription,
            MessageId = "m-1",
            CorrelationId = "c-1",
            Status = DeliveryStatus.Pending,
            FirstAttemptAt = T0,
            LastAttemptAt = T0,
        };
    }
}
