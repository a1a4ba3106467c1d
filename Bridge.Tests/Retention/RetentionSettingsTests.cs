using Bridge.Store;
using Bridge.Store.Retention;
using Bridge.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bridge.Tests.Retention;

/// <summary>The retention settings: defaults, and bad values stopping start-up with the key's name.</summary>
public sealed class RetentionSettingsTests : IDisposable
{
    private readonly TestDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Without_settings_events_are_kept_30_days_dead_letters_90_and_the_store_is_pruned_every_10_minutes_in_batches_of_1000()
    {
        using var host = Build();
        var options = host.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;

        Assert.Equal(TimeSpan.FromDays(30), options.Events);
        Assert.Equal(TimeSpan.FromDays(90), options.DeadLetters);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Interval);
        Assert.Equal(1000, options.BatchSize);
        Assert.True(options.Enabled);
        Assert.Empty(options.Topics);
    }

    [Fact]
    public void A_topic_s_own_period_replaces_the_events_period_for_that_topic_only()
    {
        using var host = Build(("Bridge:Store:Retention:Topics:telemetry", "2.00:00:00"));
        var options = host.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;

        Assert.Equal(TimeSpan.FromDays(2), options.EventsOf("telemetry"));
        Assert.Equal(TimeSpan.FromDays(30), options.EventsOf("orders"));
    }

    [Theory]
    [InlineData("Bridge:Store:Retention:Events", "00:00:00", "Bridge:Store:Retention:Events must be between 00:00:01 and 3650.00:00:00 (was 00:00:00).")]
    [InlineData("Bridge:Store:Retention:Events", "-1.00:00:00", "Bridge:Store:Retention:Events must be between 00:00:01 and 3650.00:00:00 (was -1.00:00:00).")]
    [InlineData("Bridge:Store:Retention:DeadLetters", "4000.00:00:00", "Bridge:Store:Retention:DeadLetters must be between 00:00:01 and 3650.00:00:00 (was 4000.00:00:00).")]
    [InlineData("Bridge:Store:Retention:Topics:orders", "00:00:00", "Bridge:Store:Retention:Topics:orders must be between 00:00:01 and 3650.00:00:00 (was 00:00:00).")]
    [InlineData("Bridge:Store:Retention:Interval", "00:00:00.100", "Bridge:Store:Retention:Interval must be between 00:00:01 and 1.00:00:00 (was 00:00:00.1000000).")]
    [InlineData("Bridge:Store:Retention:BatchPause", "00:01:00", "Bridge:Store:Retention:BatchPause must be between 00:00:00 and 00:00:10 (was 00:01:00).")]
    [InlineData("Bridge:Store:Retention:BatchSize", "0", "Bridge:Store:Retention:BatchSize must be between 10 and 100000 (was 0).")]
    public async Task A_bad_value_stops_the_start_naming_the_setting(string key, string value, string message)
    {
        using var host = Build((key, value));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal([message], failure.Failures);
    }

    private IHost Build(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:bridgedb"] = $"Data Source={Path.Combine(_data.Path, "bridge.db")}",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddBridgeStore();
        return builder.Build();
    }
}
