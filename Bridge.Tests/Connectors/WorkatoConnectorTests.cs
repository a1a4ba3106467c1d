using System.Diagnostics;
using Bridge.Tests.EndToEnd;
using Bridge.Tests.Infrastructure;

namespace Bridge.Tests.Connectors;

/// <summary>
/// The Workato connector (connectors/workato/connector.rb), run by its Ruby harness against a real bridge: connection
/// test, pick lists, contract-driven fields, publishing, the webhook trigger with signature checks, unsubscribe, replay.
/// </summary>
public sealed class WorkatoConnectorTests : BridgeTestBase
{
    [Fact]
    public async Task The_connector_publishes_subscribes_verifies_deliveries_and_unsubscribes_against_a_real_bridge()
    {
        var root = RepositoryFiles.Root;
        var ruby = new[] { "/usr/bin/ruby", "/usr/local/bin/ruby" }.FirstOrDefault(File.Exists);
        Assert.True(ruby is not null, "ruby is not installed; run eng/setup.sh (it installs Debian's ruby).");
        await using var bridge = await StartBridgeAsync(new TestTopology()
            .Topic("orders")
            .Subscription("orders", "audit", Receiver.UrlOf("audit"))
            .With("Bridge:Subscriptions:AllowHttpLoopback", "true").AllowLoopbackWebhooks()
            .With("Bridge:Subscriptions:SyncInterval", "00:00:00.200"));

        var start = new ProcessStartInfo(ruby!, [Path.Combine(root, "connectors", "workato", "test", "run.rb")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["BRIDGE_URL"] = bridge.BaseAddress.ToString();
        start.Environment["BRIDGE_KEY"] = bridge.BootstrapKey;
        start.Environment["BRIDGE_TOPIC"] = "orders";
        start.Environment["BRIDGE_SUBSCRIPTION"] = "audit";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var report = $"{await output}\n{await errors}";
        Assert.True(process.ExitCode == 0, "The connector harness failed:\n" + report);
        Assert.Contains("all connector checks passed", report, StringComparison.Ordinal);
    }
}
