namespace Bridge.Tests.Support;

/// <summary>Files of the repository the tests run from (docs, connectors, scripts of other editions).</summary>
public static class RepositoryFiles
{
    /// <summary>The repository root: the nearest directory above the test binaries holding <c>Bridge.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of a file given relative to the root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bridge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Bridge.sln not found above " + AppContext.BaseDirectory);
    }
}
