using Bridge.Chaos;

var options = ChaosOptions.Parse(args);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await ChaosRun.RunAsync(options, stop.Token);
