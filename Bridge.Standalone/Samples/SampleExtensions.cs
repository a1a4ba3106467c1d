namespace Bridge.Standalone.Samples;

/// <summary>DEVELOPMENT ONLY: the sample receiver and the welcome event.</summary>
internal static class SampleExtensions
{
    public static IHostApplicationBuilder AddSamples(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SampleOptions>().BindConfiguration(SampleOptions.SectionName);
        var options = builder.Configuration.GetSection(SampleOptions.SectionName).Get<SampleOptions>() ?? new SampleOptions();
        if (options.Enabled)
        {
            builder.Services.AddSingleton<SampleReceiver>();
            builder.Services.AddHostedService<StartupBanner>();
            if (options.SendWelcomeEvent)
            {
                builder.Services.AddHostedService<WelcomeEvent>();
            }
        }
        else
        {
            builder.Services.AddHostedService<StartupBanner>();
        }
        return builder;
    }

    public static WebApplication MapSamples(this WebApplication app)
    {
        if (app.Services.GetService<SampleReceiver>() is null)
        {
            return app;
        }

        var samples = app.MapGroup(SampleReceiver.Path).WithTags("Samples (development only)").ExcludeFromDescription();
        samples.MapPost("/", (HttpRequest request, SampleReceiver receiver) => receiver.ReceiveAsync(request));
        samples.MapGet("/", (SampleReceiver receiver) => TypedResults.Ok(receiver.Received));
        return app;
    }
}
