namespace OnnxDiffusion.Classification;

/// <summary>
/// How a classifier kind learns from images. The paper's findings may hold in one regime and not another (a model on raw
/// pixels sees the synthetic images differently from a head on features that a network learned elsewhere), so a report
/// says which regime each kind in a run belongs to.
/// </summary>
public enum ClassifierRegime
{
    /// <summary>A linear or tree model trained on the raw pixel vector.</summary>
    PixelModel,

    /// <summary>A trained head on the features of a frozen pretrained network; only the head sees the training images.</summary>
    FrozenPretrainedFeatures,

    /// <summary>A deep network trained from scratch on the training images, every layer included.</summary>
    DeepFromScratch,
}
