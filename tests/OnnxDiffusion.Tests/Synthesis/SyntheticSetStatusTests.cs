using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Tests.Synthesis;

/// <summary>The one definition of a whole synthetic set, on folders damaged the ways users and kills damage them.</summary>
public class SyntheticSetStatusTests
{
    private static readonly SyntheticRunConfig Config = new()
    {
        Kind = "generate", PerClass = 2, Total = 4, ImageSize = 2, Channels = 1, ClassNames = ["a", "b"],
    };

    private static string Whole(SyntheticRunConfig? config = null, params long[] ids)
    {
        string root = Path.Combine(Directory.CreateTempSubdirectory("status").FullName, "set");
        var w = SyntheticDatasetWriter.Open(root, config ?? Config);
        foreach (var id in ids.Length > 0 ? ids : [0, 1, 2, 3])
            w.Add(new ManifestRecord { Id = id, Label = (int)(id / 2) }, [id / 4f, 0, 0, 0]);
        w.Flush();
        return root;
    }

    private static string Manifest(string root) => Path.Combine(root, SyntheticDatasetWriter.ManifestName);

    private static string[] Lines(string root) => File.ReadAllLines(Manifest(root));

    private static string FileOf(string line) => System.Text.Json.JsonSerializer.Deserialize<ManifestRecord>(line)!.File;

    [Fact]
    public void AWholeSetIsComplete()
    {
        var status = SyntheticSetStatus.Read(Whole())!;
        Assert.True(status.IsComplete, status.Problem);
        Assert.Equal((4, 4), (status.Have, status.Owned));
    }

    [Fact]
    public void AFolderWithoutRecipeIsNoSyntheticSet() =>
        Assert.Null(SyntheticSetStatus.Read(Directory.CreateTempSubdirectory("plain").FullName));

    [Fact]
    public void MissingRecordsMakeItIncomplete()
    {
        string root = Whole();
        File.WriteAllLines(Manifest(root), Lines(root)[..2]);
        Assert.Equal("2 of 4 images made", SyntheticSetStatus.Read(root)!.Problem);
    }

    [Fact]
    public void ADeletedPngIsNamed()
    {
        string root = Whole();
        string file = FileOf(Lines(root)[1]);
        File.Delete(Path.Combine(root, file));
        Assert.Equal($"{file} is missing or does not match its manifest hash", SyntheticSetStatus.Read(root)!.Problem);
    }

    [Fact]
    public void ATruncatedPngFailsItsHash()
    {
        string root = Whole();
        string png = Path.Combine(root, FileOf(Lines(root)[2]));
        var bytes = File.ReadAllBytes(png);
        File.WriteAllBytes(png, bytes[..(bytes.Length * 6 / 10)]);
        Assert.Contains("does not match its manifest hash", SyntheticSetStatus.Read(root)!.Problem);
    }

    [Fact]
    public void ARepeatedLineIsNamed()
    {
        string root = Whole();
        var lines = Lines(root);
        File.WriteAllLines(Manifest(root), [.. lines, lines[0]]);
        Assert.Equal("id 0 appears twice in its manifest", SyntheticSetStatus.Read(root)!.Problem);
    }

    [Fact]
    public void AFileOutsideTheFolderIsRefusedEvenWhenItExists()
    {
        string root = Whole();
        var lines = Lines(root);
        string file = FileOf(lines[3]);
        File.Copy(Path.Combine(root, file), Path.Combine(root, "..", "outside.png"));
        File.WriteAllLines(Manifest(root), [.. lines[..3], lines[3].Replace(file, "../outside.png", StringComparison.Ordinal)]);
        Assert.Equal("id 3: file '../outside.png' is not inside the set's folder", SyntheticSetStatus.Read(root)!.Problem);
    }

    [Fact]
    public void AShardIsWholeWithTheIdsItOwnsAndRefusesOthers()
    {
        var shard = Config with { Shard = "1/2" };
        var status = SyntheticSetStatus.Read(Whole(shard, 1, 3))!;
        Assert.True(status.IsComplete, status.Problem);
        Assert.Equal(2, status.Owned);
        Assert.Equal("id 0 does not belong to shard 1/2", SyntheticSetStatus.Read(Whole(shard, 1, 3, 0))!.Problem);
    }
}
