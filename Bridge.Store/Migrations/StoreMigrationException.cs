namespace Bridge.Store.Migrations;

/// <summary>The store's schema cannot be brought to this build's version; the service must not start.</summary>
public sealed class StoreMigrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreMigrationException()
    {
    }

    /// <summary>Creates the exception with a message saying what is wrong and what to do.</summary>
    public StoreMigrationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StoreMigrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
