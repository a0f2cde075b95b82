using Microsoft.ML;

namespace OnnxDiffusion.Classification;

/// <summary>
/// Transfer learning in ML.NET's sense: the frozen ImageNet ResNet18 (ML.NET's DnnImageFeaturizer graphs: grey to three
/// channels, resized to 224×224, its mean-image normalisation) gives 512-d features, standardised on the training set,
/// into a trained head — L-BFGS maximum entropy by default, LightGBM on request (<see cref="ResNet18Options.Head"/>).
/// </summary>
internal sealed class ResNet18Kind : ClassifierKind
{
    public override string Name => ClassifierKinds.ResNet18;

    public override ClassifierRegime Regime => ClassifierRegime.FrozenPretrainedFeatures;

    public override FeatureSource Features => PretrainedFeatures.ResNet18;

    public override void Validate(ClassifierOptions options)
    {
        switch (options.ResNet18.Head)
        {
            case ClassifierKinds.MaxEnt: MaxEntKind.Check(options.MaxEnt); break;
            case ClassifierKinds.LightGbm: LightGbmKind.Check(options.LightGbm); break;
            default:
                throw new ClassificationException(
                    $"classifier option resnet18 head = '{options.ResNet18.Head}': expected {ClassifierKinds.MaxEnt} or {ClassifierKinds.LightGbm}");
        }
    }

    // Pooled ReLU features differ in scale by orders of magnitude between channels; a linear head's L2 penalty then
    // falls unevenly. Standardising (fitted on the training rows only) puts every feature on one footing.
    public override IEstimator<ITransformer> CreateTrainer(MLContext ml, ClassifierOptions options, ImageShape images) =>
        ml.Transforms.NormalizeMeanVariance(FeatureColumns.Features)
            .Append(options.ResNet18.Head == ClassifierKinds.LightGbm ? LightGbmKind.Trainer(ml, options) : MaxEntKind.Trainer(ml, options));
}
