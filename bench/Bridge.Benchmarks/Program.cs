using Bridge.Benchmarks;
using Bridge.Benchmarks.Measure;

if (args.Contains("--console-overhead"))
{
    return ConsoleOverhead.Run();
}

var options = BenchOptions.Parse(args);
return await BenchRun.RunAsync(options);
