using System.Security.Cryptography.X509Certificates;
using Bridge.Store;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Security.KeyRing;

/// <summary>Registers the Data Protection key ring that encrypts webhook and HMAC secrets.</summary>
public static class KeyRingExtensions
{
    /// <summary>The application name every Bridge service protects under, so all of them read each other's secrets.</summary>
    public const string ApplicationName = "bridge";

    /// <summary>
    /// Keeps the key ring in the store (table <c>data_protection_keys</c>), shared by every process of the deployment,
    /// under one application name; encrypts the keys with the certificate of <c>Bridge:DataProtection:Certificate</c>
    /// when one is configured, and warns at start-up when none is.
    /// </summary>
    public static IHostApplicationBuilder AddBridgeKeyRing(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>() ?? new KeyRingOptions();
        var legacy = builder.Configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>()?.KeyRingPath ?? new SecurityOptions().KeyRingPath;

        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider, ILoggerFactory>((o, services, loggers) =>
            o.XmlRepository = new StoreKeyRepository(
                new EntityFrameworkCoreXmlRepository<BridgeDbContext>(services, loggers), new DirectoryInfo(Path.GetFullPath(legacy)), loggers));

        var certificate = options.Certificate;
        if (!string.IsNullOrWhiteSpace(certificate.Path) && File.Exists(certificate.Path))
        {
            var loaded = X509CertificateLoader.LoadPkcs12FromFile(certificate.Path, certificate.Password);
            dataProtection.ProtectKeysWithCertificate(loaded).UnprotectKeysWithAnyCertificate(loaded);
        }
        else if (!string.IsNullOrWhiteSpace(certificate.Thumbprint))
        {
            dataProtection.ProtectKeysWithCertificate(certificate.Thumbprint.Trim());
        }

        builder.Services.AddHostedService<KeyRingProtectionCheck>();
        return builder;
    }
}
