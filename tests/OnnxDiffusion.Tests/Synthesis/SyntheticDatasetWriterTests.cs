using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Tests.Synthesis;

/// <summary>The append-only manifest: what a reopened folder keeps, repairs and drops.</summary>
public class SyntheticDatasetWriterTests
{
    private static readonly SyntheticRunConfig Config = new()
    {
        Kind = "generate", PerClass = 2, Total = 4, ImageSize = 2, Channels = 1, ClassNames = ["a", "b"],
    };

    private static string Root() => Path.Combine(Directory.CreateTempSubdirectory("writer").FullName, "set");

    private static void Write(SyntheticDatasetWriter w, params long[] ids)
    {
        foreach (var id in ids)
            w.Add(new ManifestRecord { Id = id, Label = (int)(id / 2) }, [id / 4f, 0, 0, 0]);
        w.Flush();
    }

    [Fact]
    public void RecordsAreAppendedPerFlushInIdOrderAndReopeningFindsThemDone()
    {
        string root = Root();
        var w = SyntheticDatasetWriter.Open(root, Config);
        Write(w, 1, 0);
        Write(w, 3);
        var lines = File.ReadAllLines(Path.Combine(root, SyntheticDatasetWriter.ManifestName));
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("{\"id\":0,", lines[0]);
        Assert.StartsWith("{\"id\":3,", lines[2]);
        var again = SyntheticDatasetWriter.Open(root, Config);
        Assert.Equal(3, again.Count);
        Assert.True(again.IsComplete(1));
        Assert.False(again.IsComplete(2));
        Assert.Equal(lines, File.ReadAllLines(Path.Combine(root, SyntheticDatasetWriter.ManifestName)));
    }

    [Fact]
    public void ALastLineTornByAKillIsCutOffAndItsIdRedone()
    {
        string root = Root();
        Write(SyntheticDatasetWriter.Open(root, Config), 0, 1);
        string manifest = Path.Combine(root, SyntheticDatasetWriter.ManifestName);
        string whole = File.ReadAllText(manifest);
        File.AppendAllText(manifest, "{\"id\":2,\"file\":\"b/0000"); // the kill struck mid-append
        var w = SyntheticDatasetWriter.Open(root, Config);
        Assert.Equal(2, w.Count);
        Assert.False(w.IsComplete(2));
        Assert.Equal(whole, File.ReadAllText(manifest));
        Write(w, 2, 3);
        Assert.Equal(4, File.ReadAllLines(manifest).Length);
    }

    [Fact]
    public void ARecordWhosePngIsGoneOrChangedIsDroppedAndRedone()
    {
        string root = Root();
        Write(SyntheticDatasetWriter.Open(root, Config), 0, 1, 2);
        File.Delete(Path.Combine(root, "a", "000001.png"));
        File.WriteAllBytes(Path.Combine(root, "b", "000002.png"), [1, 2, 3]);
        var w = SyntheticDatasetWriter.Open(root, Config);
        Assert.Equal(1, w.Count);
        Assert.True(w.IsComplete(0));
        Assert.False(w.IsComplete(1));
        Assert.False(w.IsComplete(2));
        Assert.Single(File.ReadAllLines(Path.Combine(root, SyntheticDatasetWriter.ManifestName)));
        Assert.Empty(Directory.GetFiles(root, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public void AnIdRecordedTwiceCountsOnce()
    {
        string root = Root();
        Write(SyntheticDatasetWriter.Open(root, Config), 0);
        string manifest = Path.Combine(root, SyntheticDatasetWriter.ManifestName);
        File.AppendAllText(manifest, File.ReadAllText(manifest));
        var w = SyntheticDatasetWriter.Open(root, Config);
        Assert.Equal(1, w.Count);
        Assert.Single(File.ReadAllLines(manifest));
    }
}
