using Bridge.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Bridge.Subscriptions;

/// <summary>The signing secrets of API-made subscriptions at rest, encrypted with ASP.NET Core Data Protection.</summary>
internal sealed class WebhookSecrets(IDataProtectionProvider provider) : SecretBox(provider, "Bridge.Subscriptions.WebhookSecrets.v1");
