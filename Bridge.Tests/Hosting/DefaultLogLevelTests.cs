using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Tests.Hosting;

/// <summary>
/// The separate service hosts ship no settings file: the service defaults alone must keep per-SQL-statement,
/// per-request and per-webhook-call logs off Information, while configuration can still turn them back on.
/// </summary>
public sealed class DefaultLogLevelTests
{
    [Theory]
    [InlineData("Microsoft.EntityFrameworkCore.Database.Command")]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("Microsoft.AspNetCore.Routing.EndpointMiddleware")]
    [InlineData("System.Net.Http.HttpClient.webhooks.LogicalHandler")]
    public void A_host_without_settings_keeps_framework_chatter_below_information(string category)
    {
        using var app = Build([]);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void Bridge_categories_log_information_by_default()
    {
        using var app = Build([]);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bridge.Subscriber.Delivery.DeliveryProcessor");

        Assert.True(logger.IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Configuration_overrides_the_defaults()
    {
        using var app = Build(["--Logging:LogLevel:Microsoft.EntityFrameworkCore=Debug"]);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.EntityFrameworkCore.Database.Command");

        Assert.True(logger.IsEnabled(LogLevel.Debug));
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, EnvironmentName = "Production" });
        builder.AddServiceDefaults();
        return builder.Build();
    }
}
