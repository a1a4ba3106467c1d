using Bridge.Benchmarks;

var options = BenchOptions.Parse(args);
var report = new Report(options);

report.Add(await NoOpKestrelBaseline.RunAsync(options));
report.Add(await EmbeddedTransportBaseline.RunAsync(options));
report.Add(await EndToEndScenario.RunAsync(options, "embedded"));

report.Print();
