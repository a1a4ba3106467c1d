using Bridge.Chaos.Deployment;
using Bridge.Chaos.Faults;
using Bridge.Chaos.Load;
using Bridge.Chaos.Receiver;
using Bridge.Chaos.Reporting;


namespace Bridge.Chaos;

/// <summary>
/// One fault run: the servers and the split deployment, the receiver, the publish load beside the fault schedule, the
/// drain, and the report. Returns the exit code: 0 when nothing was lost and no effect was duplicated, 1 otherwise,
/// 2 when stopped before the end.
/// </summary>
internal static class ChaosRun
{
    public static async Task<int> RunAsync(ChaosOptions options, CancellationToken cancellationToken)
    {
        var logs = Directory.CreateTempSubdirectory("bridge-chaos-");
        Console.Error.WriteLine($"Fault run of {options.Events:N0} events; service logs in {logs.FullName}");
        var timeline = new Timeline();
        var ledger = new DeliveryLedger(timeline);
        await using var deployment = await SplitDeployment.StartServersAsync(logs.FullName);
        await using var receiver = await ChaosReceiver.StartAsync(deployment.Secret, ledger);
        await deployment.StartServicesAsync(receiver.Url);
        Console.Error.WriteLine(deployment.Describe());

        timeline.Start();
        var load = new PublishLoad(deployment.Publisher.BaseAddress, deployment.BootstrapKey, SplitDeployment.Topic, options.Events, options.PublishFor, timeline);
        var loading = load.RunAsync(options.PublishConcurrency, cancellationToken);
        var schedule = new FaultSchedule(deployment, options, timeline);
        var faulting = schedule.RunAsync(() => loading.IsCompleted && ledger.Delivered >= load.Accepted * 0.98, cancellationToken);
        using var progress = new PeriodicTimer(TimeSpan.FromSeconds(10));
        while (!(loading.IsCompleted && faulting.IsCompleted) && await progress.WaitForNextTickAsync(CancellationToken.None))
        {
            Console.Error.WriteLine($"[{timeline.Elapsed:hh\\:mm\\:ss}] accepted {load.Accepted:N0}, delivered {ledger.Delivered:N0}, calls {ledger.Calls:N0}");
        }
        try
        {
            await loading;
            await faulting;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped before the end: no report; the services and servers are being stopped.");
            return 2;
        }

        var drained = await Drain.WaitAsync(() => ledger.Delivered, load.Accepted, deployment.StoreConnectionString,
            () => BrokerDeadLetters.TryCountAsync(deployment.RabbitMq), options.DrainLimit, timeline, cancellationToken);
        var wall = timeline.Elapsed;
        var deadLetters = await DeadLetterCount.ReadAsync(deployment.StoreConnectionString);
        var deadLetterQueue = await BrokerDeadLetters.ReadAsync(deployment.RabbitMq);
        var result = Tally.Of(options, timeline, load, ledger, deadLetters, deadLetterQueue, schedule.Faults, drained, wall);
        var markdown = ChaosReport.Markdown(result);
        Console.WriteLine(markdown);
        if (options.Output is { } output)
        {
            ChaosReport.WriteInto(output, markdown);
            Console.Error.WriteLine($"Wrote the fault-run section of {output}.");
        }
        return result.Lost.Count == 0 && result.DuplicateEffects.Count == 0 && result.UnrecordedDeadLetters.Count == 0 ? 0 : 1;
    }
}
