using System.IO.Compression;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Tests.Data;

public class IdxFileTests
{
    private static string Write(string name, byte[] bytes, bool gzip = false)
    {
        string dir = Directory.CreateTempSubdirectory("idx").FullName;
        string path = Path.Combine(dir, name);
        if (gzip)
        {
            using var f = File.Create(path);
            using var gz = new GZipStream(f, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsRawAndGzip(bool gzip)
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        var path = Write("x-images-idx3-ubyte", IdxFile.Encode([2, 3, 4], data), gzip);
        var f = IdxFile.Read(path);
        Assert.Equal(new[] { 2, 3, 4 }, f.Dimensions);
        Assert.Equal(data, f.Data);
    }

    [Fact]
    public void WrongMagicIsNamed()
    {
        var bytes = IdxFile.Encode([1], [5]);
        bytes[2] = 0x0D; // float data
        var ex = Assert.Throws<DataFormatException>(() => IdxFile.Read(Write("f.idx", bytes)));
        Assert.Contains("f.idx", ex.Message);
        Assert.Contains("0x0d", ex.Message);

        bytes[0] = 0x50;
        ex = Assert.Throws<DataFormatException>(() => IdxFile.Read(Write("g.idx", bytes)));
        Assert.Contains("bad IDX magic", ex.Message);
    }

    [Fact]
    public void TruncatedDataIsNamed()
    {
        var bytes = IdxFile.Encode([10, 28, 28], new byte[10 * 28 * 28]);
        var ex = Assert.Throws<DataFormatException>(() => IdxFile.Read(Write("t.idx", bytes[..^100])));
        Assert.Contains("t.idx", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void TruncatedHeaderIsNamed()
    {
        var ex = Assert.Throws<DataFormatException>(() => IdxFile.Read(Write("h.idx", [0, 0, 8, 3, 0, 0])));
        Assert.Contains("truncated IDX header", ex.Message);
    }

    [Fact]
    public void TruncatedGzipIsNamed()
    {
        var path = Write("z.gz", IdxFile.Encode([1000], new byte[1000]), gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<DataFormatException>(() => IdxFile.Read(path));
        Assert.Contains("z.gz", ex.Message);
    }

    [Fact]
    public void LabelImageCountMismatchIsNamed()
    {
        string dir = Directory.CreateTempSubdirectory("idxset").FullName;
        File.WriteAllBytes(Path.Combine(dir, "train-images-idx3-ubyte"), IdxFile.Encode([3, 2, 2], new byte[12]));
        File.WriteAllBytes(Path.Combine(dir, "train-labels-idx1-ubyte"), IdxFile.Encode([2], [0, 1]));
        var ex = Assert.Throws<DataFormatException>(() => IdxDataset.Load(dir, "train"));
        Assert.Contains("2 labels", ex.Message);
        Assert.Contains("3 images", ex.Message);
    }

    [Fact]
    public void LabelOutsideTheClassListIsNamed()
    {
        string dir = Directory.CreateTempSubdirectory("idxset").FullName;
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), IdxFile.Encode([2, 2, 2], new byte[8]));
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), IdxFile.Encode([2], [0, 3]));
        File.WriteAllLines(Path.Combine(dir, "classes.txt"), ["a", "b"]);
        var ex = Assert.Throws<DataFormatException>(() => IdxDataset.Load(dir, "test"));
        Assert.Contains("label 3", ex.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string dir = Directory.CreateTempSubdirectory("idxset").FullName;
        var ex = Assert.Throws<DataFormatException>(() => IdxDataset.Load(dir, "train"));
        Assert.Contains("train-images-idx3-ubyte", ex.Message);
    }

    [Fact]
    public void EmbeddedFashionMnistLoads()
    {
        var test = IdxDataset.Load(RepoPaths.Combine("data", "fashion-mnist"), "test");
        Assert.Equal(10000, test.Count);
        Assert.Equal((1, 28, 28), (test.Channels, test.Height, test.Width));
        Assert.Equal("Ankle boot", test.ClassNames[9]);
        Assert.Equal(9, test.Labels[0]); // the first test image is an ankle boot
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, test.Labels.Count(l => l == c)));
    }
}
