using OnnxDiffusion.Data;
using OnnxDiffusion.Synthesis;

namespace OnnxDiffusion.Tests.Synthesis;

public class ManifestReaderTests
{
    private static string Manifest(params string[] lines)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("manifest").FullName, "manifest.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Records_stream_in_file_order_and_blank_lines_are_skipped()
    {
        var path = Manifest("""{"id":3,"label":1,"source_index":17}""", "", """{"id":1,"label":0}""");
        var records = ManifestReader.Read(path).ToList();
        Assert.Equal([3L, 1L], records.Select(r => r.Id));
        Assert.Equal([17, (int?)null], records.Select(r => r.SourceIndex));
    }

    [Fact]
    public void A_bad_line_names_the_file_and_line_unless_the_caller_skips_it()
    {
        var path = Manifest("""{"id":1}""", "{ torn", """{"id":2}""");
        var ex = Assert.Throws<DataFormatException>(() => ManifestReader.Read(path).ToList());
        Assert.StartsWith(path + ":2: not a manifest record", ex.Message);
        Assert.Equal([1L, 2L], ManifestReader.Read(path, skipInvalid: true).Select(r => r.Id));
    }

    [Fact]
    public void A_dataset_reads_back_in_id_order_with_its_sources_from_the_manifest_not_the_file_names()
    {
        string root = Path.Combine(Directory.CreateTempSubdirectory("set").FullName, "set");
        var config = new SyntheticRunConfig { Kind = "reconstruct", PerClass = 1, Total = 2, ImageSize = 2, Channels = 1, ClassNames = ["a", "b"] };
        var writer = SyntheticDatasetWriter.Open(root, config);
        writer.Add(new ManifestRecord { Id = 1, Label = 1, SourceIndex = 40 }, [1f, 1f, 1f, 1f]);
        writer.Add(new ManifestRecord { Id = 0, Label = 0, SourceIndex = 7 }, [-1f, -1f, -1f, -1f]);
        writer.Flush();
        var set = SyntheticSet.Load(root);
        Assert.Equal([0, 1], set.Images.Labels);
        Assert.Equal([7, 40], set.SourceIndices!);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 255, 255, 255, 255 }, set.Images.Pixels);
        Assert.Equal(["a/000000.png", "b/000001.png"], set.Images.Files);
    }
}
