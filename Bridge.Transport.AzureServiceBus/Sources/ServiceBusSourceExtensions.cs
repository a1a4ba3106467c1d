using Bridge.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Transport.AzureServiceBus.Sources;

/// <summary>Registers the Service Bus source reader, whatever Bridge's own transport is.</summary>
public static class ServiceBusSourceExtensions
{
    /// <summary>Lets sources with a <c>ServiceBus</c> section read a Service Bus queue or topic subscription.</summary>
    public static IServiceCollection AddServiceBusSourceReader(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISourceReaderFactory, ServiceBusSourceReaderFactory>());
        return services;
    }
}
