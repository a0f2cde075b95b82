namespace OnnxDiffusion.Data;

/// <summary>Opens a dataset folder of any registered format (<see cref="Formats"/>): the first that recognizes it.</summary>
public static class DatasetLoader
{
    /// <summary>The formats, in the order they are tried.</summary>
    public static IReadOnlyList<IDatasetFormat> Formats { get; } = [new IdxFormat(), new ImageFolderFormat()];

    /// <summary>True when the folder holds IDX files for the split.</summary>
    public static bool IsIdx(string directory, string split) => Formats[0].Recognizes(directory, split);

    /// <summary>Loads IDX (using <paramref name="split"/>) or ImageFolder (the folder itself, or its <paramref name="split"/> sub-folder when one exists).</summary>
    public static LabeledImages Load(string directory, string split, int channels, IReadOnlyList<string>? classNames = null) =>
        Load(directory, new DatasetRequest(split, channels, classNames));

    /// <summary>Loads what <paramref name="request"/> asks from the first of <see cref="Formats"/> that recognizes the folder.</summary>
    /// <exception cref="DataFormatException">No format recognizes the folder, or its files are malformed.</exception>
    public static LabeledImages Load(string directory, DatasetRequest request) => Load(directory, request, Formats);

    /// <summary>Loads with an explicit list of formats.</summary>
    /// <exception cref="DataFormatException">No format recognizes the folder, or its files are malformed.</exception>
    public static LabeledImages Load(string directory, DatasetRequest request, IReadOnlyList<IDatasetFormat> formats)
    {
        if (!Directory.Exists(directory))
            throw new DataFormatException($"{directory}: dataset folder not found");
        foreach (var format in formats)
            if (format.Recognizes(directory, request.Split))
                return format.Load(directory, request);
        throw new DataFormatException($"{directory}: not a dataset folder of any known format (tried {string.Join("; ", formats.Select(f => f.Name))})");
    }
}
