using System.CommandLine;
using MusicCluster.Cli.Commands;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Training;

OpenMpWaiting.PreferPassive(); // before libtorch loads: see OpenMpWaiting
TorchThreads.PreferDefault(); // the one thread rule; --threads changes it per command
var midiReader = new DelegatePieceReader(path => MidiFileReader.ReadFile(path));
var scoringModels = new CheckpointScoringModelSource();
var pieceFiles = new PieceFiles(Read: path => MidiFileReader.ReadFile(path), Write: (piece, path) => MidiFileWriter.WriteFile(piece, path));

var root = new RootCommand("musiccluster: datasets, training, generation, scoring and benchmarks for MusicCluster");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(DatasetCommand.Create(midiReader));
root.Subcommands.Add(ConvertCommand.Create(
    readMidi: path => MidiFileReader.ReadFile(path),
    encodeMidi: piece => MidiFileWriter.Write(piece)));
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(GenerateCommand.Create(pieceFiles));
root.Subcommands.Add(HarmoniseCommand.Create(scoringModels, pieceFiles));
root.Subcommands.Add(EvalHarmonyCommand.Create(scoringModels));
root.Subcommands.Add(CalibrateCommand.Create());
root.Subcommands.Add(TrainCriticCommand.Create());
root.Subcommands.Add(ScoreCommand.Create(scoringModels, midiReader));
root.Subcommands.Add(EvalCommand.Create(scoringModels, ObjectiveMetricsComparison.OverlapAreas));
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(LibraryCommand.Create(scoringModels));
root.Subcommands.Add(ReferenceCommand.Create());
return await CliRunner.RunAsync(root, args);
