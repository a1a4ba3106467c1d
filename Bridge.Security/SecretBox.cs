using System.Security.Cryptography;
using Bridge.Telemetry;
using Microsoft.AspNetCore.DataProtection;

namespace Bridge.Security;

/// <summary>Secrets at rest, encrypted with ASP.NET Core Data Protection under one purpose.</summary>
public abstract class SecretBox(IDataProtectionProvider provider, string purpose)
{
    private readonly IDataProtector _protector = provider.CreateProtector(purpose);

    /// <summary>The secret, encrypted.</summary>
    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secret, or null when the key ring cannot decrypt it (counted on <c>bridge.secret.unreadable</c>).</summary>
    public string? Unprotect(string protectedSecret)
    {
        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            // A key ring without the key (another deployment's, or a lost one): the secret cannot be recovered. Counted;
            // the caller reports what it means (a subscription not delivered, a signed call refused).
            BridgeTelemetry.SecretUnreadable.Add(1, new KeyValuePair<string, object?>("purpose", purpose));
            return null;
        }
    }
}
