using Bridge.Chaos.Deployment;

namespace Bridge.Chaos.Faults;

/// <summary>
/// The bounded fault schedule: a cycle of kill -9 of a subscriber, kill -9 of the publisher, a rabbitmq-server
/// restart, kill -9 of the other subscriber, Redis down and PostgreSQL down for the outage time — one fault every
/// spacing, the cycle repeated while the load runs, at least once and at most <see cref="ChaosOptions.MaxFaults"/> faults.
/// </summary>
internal sealed class FaultSchedule(SplitDeployment deployment, ChaosOptions options, Timeline timeline)
{
    private readonly List<FaultRecord> _faults = [];

    public IReadOnlyList<FaultRecord> Faults => _faults;

    private IReadOnlyList<(string Name, Func<Task> Act)> Cycle =>
    [
        ("kill -9 subscriber-1, restart", () => CrashAsync(deployment.Subscribers[0])),
        ("kill -9 publisher, restart", () => CrashAsync(deployment.Publisher)),
        ("restart rabbitmq-server", async () =>
        {
            await deployment.RabbitMq.StopAsync();
            await deployment.RabbitMq.RestartAsync();
        }),
        ("kill -9 subscriber-2, restart", () => CrashAsync(deployment.Subscribers[1])),
        ($"redis-server down {options.Outage.TotalSeconds:0} s", async () =>
        {
            await deployment.Redis.StopAsync();
            await Task.Delay(options.Outage);
            await deployment.Redis.StartAgainAsync();
        }),
        ($"PostgreSQL down {options.Outage.TotalSeconds:0} s", async () =>
        {
            await deployment.PostgreSql.StopAsync();
            await Task.Delay(options.Outage);
            await deployment.PostgreSql.StartAgainAsync();
        }),
    ];

    /// <summary>Runs faults until <paramref name="loadDone"/> says the load is over (after at least one cycle) or the bound is reached.</summary>
    public async Task RunAsync(Func<bool> loadDone, CancellationToken cancellationToken)
    {
        var cycle = Cycle;
        for (var i = 0; i < options.MaxFaults && (i < cycle.Count || !loadDone()) && !cancellationToken.IsCancellationRequested; i++)
        {
            var (name, act) = cycle[i % cycle.Count];
            var started = timeline.Elapsed;
            string? error = null;
            try
            {
                await act();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
            {
                error = ex.Message;
            }
            _faults.Add(new FaultRecord(name, started, timeline.Elapsed, error));
            Console.Error.WriteLine($"[{timeline.Elapsed:hh\\:mm\\:ss}] {name}: {started.TotalSeconds:0.0}–{timeline.Elapsed.TotalSeconds:0.0} s{(error is null ? "" : " — " + error)}");
            var next = started + options.FaultSpacing - timeline.Elapsed;
            if (next > TimeSpan.Zero)
            {
                await Task.Delay(next, cancellationToken);
            }
        }
    }

    private async Task CrashAsync(ServiceProcess service)
    {
        await service.KillAsync();
        await Task.Delay(options.Downtime);
        await service.StartAgainAsync();
    }
}
