namespace OnnxDiffusion.Tests;

/// <summary>Locates files of the repository (fixtures, the embedded model and data) from the test binaries.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Fixture(string name) => Path.Combine(Root, "tests", "fixtures", name);

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>A fresh copy of a fixture folder in a temp directory (tests that edit files use this).</summary>
    public static string CopyFixture(string name)
    {
        string dst = Directory.CreateTempSubdirectory(name).FullName;
        foreach (var f in Directory.GetFiles(Fixture(name)))
            File.Copy(f, Path.Combine(dst, Path.GetFileName(f)));
        return dst;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "OnnxDiffusion.sln")))
                return d.FullName;
        throw new InvalidOperationException("repository root (OnnxDiffusion.sln) not found above " + AppContext.BaseDirectory);
    }
}
