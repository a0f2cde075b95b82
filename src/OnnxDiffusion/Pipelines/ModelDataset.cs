using OnnxDiffusion.Data;
using OnnxDiffusion.Models;

namespace OnnxDiffusion.Pipelines;

/// <summary>
/// Loads real data for a model: with the model's channel count, matched to its class names when it names them (by
/// count when it does not), and at its image size — resized when asked, refused with a clear line otherwise.
/// </summary>
public static class ModelDataset
{
    /// <summary>Loads <paramref name="split"/> of <paramref name="dataDirectory"/> for <paramref name="model"/>.</summary>
    /// <param name="model">The model's description.</param>
    /// <param name="dataDirectory">IDX folder or ImageFolder.</param>
    /// <param name="split">train or test.</param>
    /// <param name="resize">Resize images of another size to the model's (else a size mismatch is an error).</param>
    /// <param name="modelName">How messages name the model.</param>
    /// <exception cref="DataFormatException">Unreadable data, a class count the model does not take, or a size mismatch without <paramref name="resize"/>.</exception>
    public static LabeledImages Load(ModelManifest model, string dataDirectory, string split, bool resize, string modelName)
    {
        var data = DatasetLoader.Load(dataDirectory, new DatasetRequest(split, model.Channels, model.ClassNamesForData, resize ? model.ImageSize : null));
        if (model.IsConditional && data.ClassNames.Count != model.NumClasses)
            throw new DataFormatException(
                $"{dataDirectory}: {data.ClassNames.Count} classes ({string.Join(", ", data.ClassNames.Take(5))}{(data.ClassNames.Count > 5 ? ", …" : "")}) but {modelName} takes {model.NumClasses} class labels");
        if (data.Height != model.ImageSize || data.Width != model.ImageSize)
            throw new DataFormatException(
                $"{dataDirectory}: images are {data.Height}×{data.Width} but {modelName} takes {model.ImageSize}×{model.ImageSize}: pass --resize to resize them (SkiaSharp bilinear), or bring data of the model's size");
        if (data.Channels != model.Channels)
            throw new DataFormatException($"{dataDirectory}: images have {data.Channels} channels but {modelName} takes {model.Channels}");
        return data;
    }
}
