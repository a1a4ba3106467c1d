namespace Bridge.Messaging;

/// <summary>
/// A capability of a transport whose topics and subscriptions are declared outside Bridge (an emulator's own
/// configuration, or a namespace Bridge may not manage): subscriptions cannot be made at run time there.
/// </summary>
public interface IFixedTopology
{
    /// <summary>Why subscriptions cannot be made at run time, for the caller who asks for one.</summary>
    string Reason { get; }
}
