using System.ComponentModel.DataAnnotations;

namespace Bridge.Security.KeyRing;

/// <summary>
/// The Data Protection key ring, section <c>Bridge:DataProtection</c>. The keys live in the store, shared by every
/// process of a deployment; a certificate encrypts them there.
/// </summary>
public sealed class KeyRingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:DataProtection";

    /// <summary>The certificate that encrypts the keys at rest (<c>Bridge:DataProtection:Certificate</c>).</summary>
    public KeyRingCertificateOptions Certificate { get; set; } = new();
}

/// <summary>A certificate with its private key: a PKCS#12 file (<see cref="Path"/>, <see cref="Password"/>) or one in the certificate store (<see cref="Thumbprint"/>).</summary>
public sealed class KeyRingCertificateOptions : IValidatableObject
{
    /// <summary>A <c>.pfx</c>/<c>.p12</c> file holding the certificate and its private key.</summary>
    public string? Path { get; set; }

    /// <summary>The file's password (from a secret store, never from a file in the repository).</summary>
    public string? Password { get; set; }

    /// <summary>The thumbprint of a certificate in the current user's or the machine's <c>My</c> store.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>True when a certificate is configured.</summary>
    public bool IsSet => !string.IsNullOrWhiteSpace(Path) || !string.IsNullOrWhiteSpace(Thumbprint);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Path) && !string.IsNullOrWhiteSpace(Thumbprint))
        {
            yield return new ValidationResult(
                $"{KeyRingOptions.SectionName}:Certificate takes a Path or a Thumbprint, not both.", [nameof(Path), nameof(Thumbprint)]);
        }

        if (!string.IsNullOrWhiteSpace(Path) && !File.Exists(Path))
        {
            yield return new ValidationResult($"{KeyRingOptions.SectionName}:Certificate:Path '{Path}' does not exist.", [nameof(Path)]);
        }
    }
}
