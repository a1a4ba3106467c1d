using Bridge.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bridge.Transport.RabbitMQ.Sources;

/// <summary>Registers the RabbitMQ source reader, whatever Bridge's own transport is.</summary>
public static class RabbitMqSourceExtensions
{
    /// <summary>Lets sources with a <c>RabbitMQ</c> section read a RabbitMQ exchange or queue.</summary>
    public static IServiceCollection AddRabbitMqSourceReader(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISourceReaderFactory, RabbitMqSourceReaderFactory>());
        return services;
    }
}
