using OnnxDiffusion.Data;

namespace OnnxDiffusion.Tests.Data;

public class ImageFolderDatasetTests
{
    private static readonly string[] Classes = ["T-shirt/top", "Trouser"];

    private static string MakeFolder(int perClass = 2)
    {
        string root = Directory.CreateTempSubdirectory("imgf").FullName;
        var w = new ImageFolderWriter(root, Classes, 1, 4);
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < perClass; i++)
                w.Write(c, c * 10 + i, Enumerable.Range(0, 16).Select(k => (k + c + i) / 16f - 0.5f).ToArray());
        return root;
    }

    [Fact]
    public void WriterAndReaderAgree()
    {
        string root = MakeFolder();
        Assert.True(Directory.Exists(Path.Combine(root, "T-shirt_top")));
        var set = ImageFolderDataset.Load(root, 1, Classes);
        Assert.Equal(4, set.Count);
        Assert.Equal(new[] { 0, 0, 1, 1 }, set.Labels);
        var x = new float[16];
        set.CopyAsModelInput(3, x);
        var expected = Enumerable.Range(0, 16).Select(k => (k + 1 + 1) / 16f - 0.5f).ToArray();
        for (int k = 0; k < 16; k++)
            Assert.Equal(LabeledImages.ToByte(expected[k]), set.Image(3)[k]);
    }

    [Fact]
    public void CorruptPngIsNamed()
    {
        string root = MakeFolder();
        string bad = Path.Combine(root, "Trouser", "000099.png");
        File.WriteAllBytes(bad, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var ex = Assert.Throws<DataFormatException>(() => ImageFolderDataset.Load(root, 1, Classes));
        Assert.Contains("000099.png", ex.Message);
    }

    [Fact]
    public void MixedSizesAreNamed()
    {
        string root = MakeFolder();
        new ImageFolderWriter(Path.Combine(root, "x"), ["Trouser"], 1, 5).Write(0, 5, new float[25]);
        File.Move(Path.Combine(root, "x", "Trouser", "000005.png"), Path.Combine(root, "Trouser", "000005.png"));
        Directory.Delete(Path.Combine(root, "x"), true);
        var ex = Assert.Throws<DataFormatException>(() => ImageFolderDataset.Load(root, 1, Classes));
        Assert.Contains("000005.png", ex.Message);
        Assert.Contains("5×5", ex.Message);
    }

    [Fact]
    public void EmptyClassFolderIsNamed()
    {
        string root = MakeFolder();
        foreach (var f in Directory.GetFiles(Path.Combine(root, "Trouser")))
            File.Delete(f);
        var ex = Assert.Throws<DataFormatException>(() => ImageFolderDataset.Load(root, 1, Classes));
        Assert.Contains("Trouser", ex.Message);
        Assert.Contains("no .png", ex.Message);
    }

    [Fact]
    public void ClassFolderNotInTheModelIsNamed()
    {
        string root = MakeFolder();
        Directory.CreateDirectory(Path.Combine(root, "Hat"));
        var ex = Assert.Throws<DataFormatException>(() => ImageFolderDataset.Load(root, 1, Classes));
        Assert.Contains("'Hat'", ex.Message);
    }
}
