using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Security.KeyRing;

/// <summary>Says at start-up whether the key ring is encrypted at rest: loudly (a warning) in production when it is not.</summary>
internal sealed partial class KeyRingProtectionCheck(IOptions<KeyRingOptions> options, IHostEnvironment environment, ILogger<KeyRingProtectionCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Certificate.IsSet)
        {
            LogProtected(logger);
        }
        else if (environment.IsProduction())
        {
            LogUnprotected(logger, KeyRingOptions.SectionName);
        }
        else
        {
            LogUnprotectedOutsideProduction(logger, KeyRingOptions.SectionName, environment.EnvironmentName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "The Data Protection key ring is kept in the store, encrypted with the configured certificate")]
    private static partial void LogProtected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Data Protection key ring (it encrypts webhook and HMAC secrets) is kept in the store UNENCRYPTED: anyone who can read the database can decrypt those secrets. Set {Section}:Certificate:Path (with :Password) or {Section}:Certificate:Thumbprint to a certificate with a private key")]
    private static partial void LogUnprotected(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Information, Message = "The Data Protection key ring is kept in the store unencrypted ({Environment}); in production set {Section}:Certificate")]
    private static partial void LogUnprotectedOutsideProduction(ILogger logger, string section, string environment);
}
