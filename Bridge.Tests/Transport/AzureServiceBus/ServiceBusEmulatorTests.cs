using Bridge.Transport.AzureServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Transport.AzureServiceBus;

/// <summary>How the transport tells the emulator apart, and says where subscriptions cannot be made at run time.</summary>
public sealed class ServiceBusEmulatorTests
{
    [Theory]
    [InlineData("Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;", true)]
    [InlineData("Endpoint=sb://localhost:5672; UseDevelopmentEmulator = TRUE ;SharedAccessKeyName=k;SharedAccessKey=v", true)]
    [InlineData("Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=false", false)]
    [InlineData("Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=UseDevelopmentEmulator=true", false)]
    [InlineData("contoso.servicebus.windows.net", false)]
    public void The_emulator_is_recognised_by_its_connection_string_setting(string connection, bool emulator)
    {
        Assert.Equal(emulator, ServiceBusEmulator.IsEmulator(connection));
    }

    [Fact]
    public void On_the_emulator_or_an_unmanaged_namespace_subscriptions_cannot_be_made_at_run_time_and_the_reason_says_why()
    {
        Assert.Contains("emulator", FixedTopology(("ConnectionStrings:messaging", "Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true"))!.Reason, StringComparison.Ordinal);
        Assert.Contains("ManageEntities is false", FixedTopology(
            ("ConnectionStrings:messaging", "contoso.servicebus.windows.net"), ("Bridge:AzureServiceBus:ManageEntities", "false"))!.Reason, StringComparison.Ordinal);
        Assert.Null(FixedTopology(("ConnectionStrings:messaging", "contoso.servicebus.windows.net")));
    }

    private static IFixedTopology? FixedTopology(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var services = new ServiceCollection().AddAzureServiceBusTransport(configuration);
        return services.SingleOrDefault(s => s.ServiceType == typeof(IFixedTopology))?.ImplementationInstance as IFixedTopology;
    }
}
