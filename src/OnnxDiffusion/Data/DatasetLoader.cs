namespace OnnxDiffusion.Data;

/// <summary>Opens a dataset folder of either supported kind: MNIST-family IDX files, or an ImageFolder tree.</summary>
public static class DatasetLoader
{
    /// <summary>True when the folder holds IDX files for the split.</summary>
    public static bool IsIdx(string directory, string split)
    {
        string prefix = split is "test" or "t10k" ? "t10k" : "train";
        return File.Exists(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz")) ||
               File.Exists(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"));
    }

    /// <summary>
    /// Loads IDX (using <paramref name="split"/>) or ImageFolder (the folder itself, or its
    /// <paramref name="split"/> sub-folder when one exists).
    /// </summary>
    public static LabeledImages Load(string directory, string split, int channels, IReadOnlyList<string>? classNames = null)
    {
        if (IsIdx(directory, split))
            return IdxDataset.Load(directory, split);
        string sub = Path.Combine(directory, split);
        return ImageFolderDataset.Load(Directory.Exists(sub) && !IsClassFolder(directory, split, classNames) ? sub : directory, channels, classNames);
    }

    private static bool IsClassFolder(string directory, string name, IReadOnlyList<string>? classNames) =>
        classNames is not null && classNames.Select(ImageFolderWriter.FolderName).Contains(name);
}
