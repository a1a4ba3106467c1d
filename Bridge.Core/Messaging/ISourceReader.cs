using Bridge.Sources;
using Microsoft.Extensions.Configuration;

namespace Bridge.Messaging;

/// <summary>
/// Reads a broker entity that another system writes to (a RabbitMQ exchange or queue, a Service Bus queue or topic
/// subscription), for a source that feeds a Bridge topic. Messages stay unacknowledged on the broker (their locks
/// kept alive) until <see cref="AcknowledgeAsync"/>: a reader that is disposed, dies, or whose connection drops, has
/// them delivered again, in order.
/// </summary>
public interface ISourceReader : IAsyncDisposable
{
    /// <summary>What the reader reads, in words (for logs and the API), e.g. <c>RabbitMQ exchange 'erp' (binding 'order.#')</c>.</summary>
    string Entity { get; }

    /// <summary>Connects (again, after a drop) and declares what the reader owns; throws when the broker or the entity is not there.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Waits up to <paramref name="maxWait"/> for a message and returns up to <paramref name="maxMessages"/>, in the broker's order.</summary>
    Task<IReadOnlyList<SourceDelivery>> ReceiveAsync(int maxMessages, TimeSpan maxWait, CancellationToken cancellationToken);

    /// <summary>Removes the messages from the broker: they are durably in Bridge.</summary>
    /// <exception cref="SourceConnectionLostException">The connection they came on is gone; the broker delivers them again.</exception>
    Task AcknowledgeAsync(IReadOnlyList<SourceDelivery> deliveries, CancellationToken cancellationToken);
}

/// <summary>A message read from a source, with the reader's handle for acknowledging it.</summary>
/// <param name="Message">The message.</param>
/// <param name="Handle">The reader's own handle (e.g. a delivery tag and its channel).</param>
public sealed record SourceDelivery(SourceMessage Message, object Handle);

/// <summary>Makes readers for the sources of one broker kind, from the source's section of that kind.</summary>
public interface ISourceReaderFactory
{
    /// <summary>The name of the section under <c>Bridge:Sources:{source}</c> this factory reads, e.g. <c>RabbitMQ</c>.</summary>
    string Section { get; }

    /// <summary>What is wrong with <paramref name="settings"/>, each as (setting, message); empty when usable.</summary>
    IReadOnlyList<(string Setting, string Message)> Validate(IConfigurationSection settings);

    /// <summary>The entity <paramref name="settings"/> name, in words (as <see cref="ISourceReader.Entity"/>).</summary>
    string Describe(string source, IConfigurationSection settings);

    /// <summary>A reader of the entity <paramref name="settings"/> names, for the source <paramref name="source"/>.</summary>
    ISourceReader Create(string source, IConfigurationSection settings);
}

/// <summary>The connection a source's messages came on is gone; the broker delivers them again.</summary>
public sealed class SourceConnectionLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SourceConnectionLostException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SourceConnectionLostException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SourceConnectionLostException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
