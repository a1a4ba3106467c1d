using Bridge.Benchmarks;
using Bridge.Benchmarks.Comparison;
using Bridge.Benchmarks.Measure;
using Bridge.Benchmarks.Standards;

if (args.Contains("--console-overhead"))
{
    return ConsoleOverhead.Run();
}

if (args.Contains("--compare-report"))
{
    return ComparisonReport.Run(args);
}

if (args.Contains("--standards"))
{
    return StandardsComparison.Run();
}

var options = BenchOptions.Parse(args);
return await BenchRun.RunAsync(options);
