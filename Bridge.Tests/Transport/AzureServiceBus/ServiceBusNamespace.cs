namespace Bridge.Tests.Transport.AzureServiceBus;

/// <summary>
/// The Service Bus the tests may use: <c>ConnectionStrings__messaging</c> (a namespace's connection string, or the
/// emulator's). Without it the tests that need one are skipped, saying so; they never run against a stand-in.
/// </summary>
internal static class ServiceBusNamespace
{
    /// <summary>The environment variable naming the namespace.</summary>
    public const string Variable = "ConnectionStrings__messaging";

    /// <summary>The connection string, or null.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>The connection string; skips the running test when there is none.</summary>
    public static string Require()
    {
        if (ConnectionString is { } connection && connection.Contains("UseDevelopmentEmulator=true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Skip($"{Variable} names the Service Bus emulator, which cannot create the topics each conformance test makes (no administration API); give a namespace.");
        }

        if (ConnectionString is { } given)
        {
            return given;
        }

        Assert.Skip($"No Azure Service Bus: set {Variable} to a namespace's or the emulator's connection string to run the transport conformance suite.");
        return string.Empty;
    }
}
