namespace Bridge.Tests.Support;

/// <summary>A fresh temporary directory, deleted on dispose.</summary>
public sealed class TestDirectory : IDisposable
{
    public TestDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bridge-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // a killed process may still hold a file for a moment; the temp dir is cleaned by the OS
        }
    }
}
