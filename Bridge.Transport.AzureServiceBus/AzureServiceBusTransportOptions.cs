using System.ComponentModel.DataAnnotations;

namespace Bridge.Transport.AzureServiceBus;

/// <summary>
/// Settings of the Azure Service Bus transport, section <c>Bridge:AzureServiceBus</c>; the connection is
/// <c>ConnectionStrings:messaging</c> unless <see cref="ConnectionString"/> is set.
/// </summary>
public sealed class AzureServiceBusTransportOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Bridge:AzureServiceBus";

    /// <summary>
    /// Either a connection string (<c>Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…</c>, or the emulator's with
    /// <c>UseDevelopmentEmulator=true</c>) or the namespace alone (<c>contoso.servicebus.windows.net</c>, or the
    /// <c>https://contoso.servicebus.windows.net:443/</c> an AppHost passes), which signs in with
    /// <c>DefaultAzureCredential</c> (managed identity in Azure, the developer's login locally).
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// True (the default): Bridge creates and updates its topics, subscriptions and rules with the administration
    /// client (needs the Manage right or the <c>Azure Service Bus Data Owner</c> role). False: they are declared
    /// elsewhere (an AppHost, Bicep); Bridge only checks they exist and fails start-up naming the missing ones.
    /// </summary>
    public bool ManageEntities { get; set; } = true;

    /// <summary>Largest serialised envelope accepted, in bytes (256 KiB on the Standard tier; up to 100 MiB on Premium).</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>How long a topic remembers message ids to drop a duplicate publish of the same envelope.</summary>
    [Range(typeof(TimeSpan), "00:00:20", "7.00:00:00")]
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a receiver asks a session it holds for its next envelope before handing the session back.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan SessionIdleWait { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Most sessions one receiver keeps locked while their head waits out a delayed retry or release; past this it
    /// stops accepting sessions until one is due.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxWaitingSessions { get; set; } = 256;

    /// <summary>Most dead letters read when browsing a dead-letter sub-queue for one message.</summary>
    [Range(1, 100_000)]
    public int MaxDeadLettersScanned { get; set; } = 10_000;
}
