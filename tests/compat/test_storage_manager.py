"""PymoNNto's StorageManager and StorageManagerGroup on pymonn (issue 10, item 6), in PymoNNto's spelling.

Same folders and files as PymoNNto (``Data/StorageManager/<main>/<folder>[_n]/config.ini``, ``.npy``,
``.obj``, ``.txt``), but nothing is pickled or eval'ed and bad files raise named errors.
"""

import configparser
import os
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from pymonn import EventRecorder, Network, NeuronGroup, Recorder
from pymonn.behaviour import Behaviour
from pymonn.compat.storage_manager import (
    PickleFileError,
    SimpleStorageManager,
    StorageFileNotFoundError,
    StorageManager,
    StorageManagerGroup,
    UnsafeNameError,
    UnsupportedObjectError,
)
from pymonn.errors import ConfigurationError, ConfigurationTypeError, ExpressionError, StateFileError

SM_ROOT = "Data/StorageManager/"


@pytest.fixture(autouse=True)
def project(tmp_path, monkeypatch):
    """A fresh project folder (tmp_path with Data/) as the working directory."""
    (tmp_path / "Data").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def folders(main):
    return sorted(os.listdir(SM_ROOT + main))


# -- PymoNNto's test_storage_manager, every assertion -----------------------------------------------
def test_pymonnto_storage_manager_assertions():
    sm = StorageManager("test", print_msg=False)
    assert os.path.isfile("Data/StorageManager/test/test/config.ini")

    sm.save_param("k", 0)
    assert sm.load_param("k") == 0

    sm.save_param_dict({"k1": 1, "k2": 2, "k3": 3})
    assert sm.load_param("k1") == 1
    assert sm.load_param("k2") == 2
    assert sm.load_param("k3") == 3

    sm2 = StorageManager("test", print_msg=False)
    sm2.save_param("k", 101)
    sm2.save_param("k1", 102)

    smg = StorageManagerGroup("test")
    smg.sort_by("k")

    k_pl = smg.get_param_list("k")
    assert k_pl == [0, 101]

    m_pl = smg.get_multi_param_list(["#SM#", "k", "k1"])
    assert m_pl[0, 0].load_param("k") == 0
    assert m_pl[0, 1].load_param("k") == 101
    assert m_pl[1, 0] == 0
    assert m_pl[1, 1] == 101
    assert m_pl[2, 0] == 1
    assert m_pl[2, 1] == 102


# -- folders ----------------------------------------------------------------------------------------
def test_folder_layout_paths_and_config_time(project, capsys):
    sm = StorageManager("MyName")
    path = (project / "Data" / "StorageManager" / "MyName" / "MyName").as_posix() + "/"
    assert sm.absolute_path == path and sm.get_path() == path
    assert capsys.readouterr().out.strip() == path  # print_msg=True prints the new folder
    assert sm.folder_name == "MyName" and sm.config_file_name == "config.ini"
    config = configparser.ConfigParser()
    config.read(path + "config.ini")
    assert config.sections() == ["Parameters"] and config.options("Parameters") == ["time"]
    assert isinstance(sm.load_param("time"), float) and sm.load_param("time") > 1.6e9


def test_folder_numbering_and_last():
    names = [StorageManager("run", print_msg=False).folder_name for _ in range(4)]
    assert names == ["run", "run_0", "run_1", "run_2"]
    assert folders("run") == ["run", "run_0", "run_1", "run_2"]
    last = StorageManager("run", add_new_when_exists=False, last=True, print_msg=False)
    assert last.folder_name == "run_2"
    same = StorageManager("run", add_new_when_exists=False, print_msg=False)
    assert same.folder_name == "run"
    assert folders("run") == ["run", "run_0", "run_1", "run_2"]  # reopening creates nothing


def test_reopened_folder_keeps_its_config():
    sm = StorageManager("keep", print_msg=False)
    sm.save_param("score", 7.5)
    again = StorageManager("keep", add_new_when_exists=False, print_msg=False)
    assert again.load_param("score") == 7.5
    assert again.load_param("time") == sm.load_param("time")


def test_random_nr_and_given_number():
    np.random.seed(5)
    state = np.random.get_state()[1].copy()
    sm = StorageManager("rnd", random_nr=True, print_msg=False)
    assert np.array_equal(np.random.get_state()[1], state)  # numpy's global state is untouched
    suffix = sm.folder_name[len("rnd"):]
    assert suffix.isdigit() and 0 <= int(suffix) < 10000
    assert StorageManager("rnd", random_nr=42, print_msg=False).folder_name == "rnd42"


def test_dict_main_folder_name():
    sm = StorageManager({"N e": 100, "lr": 0.5}, print_msg=False)
    assert sm.folder_name == "Ne=100_lr=0.5"
    assert os.path.isdir(SM_ROOT + "Ne=100_lr=0.5/Ne=100_lr=0.5")


def test_explicit_data_folder_and_folder_name(project):
    other = project / "elsewhere"
    other.mkdir()
    sm = StorageManager("main", "first", data_folder=str(other), print_msg=False)
    assert sm.absolute_path == (other / "StorageManager" / "main" / "first").as_posix() + "/"
    with pytest.raises(ConfigurationError, match="data_folder .* not an existing folder"):
        StorageManager("main", data_folder=str(project / "missing"), print_msg=False)


def test_evolution_run_uses_the_evolution_folder(project):
    code = ("from pymonn.compat.storage_manager import StorageManager\n"
            "sm = StorageManager('ignored', print_msg=False)\n"
            "print(sm.absolute_path)\n")
    out = subprocess.run([sys.executable, "-c", code, "__evo_name__=search", "__evo_id__=3"], cwd=project,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (project / "Data" / "StorageManager" / "search" / "search id3").as_posix() + "/"
    off = StorageManager("plain", use_evolution_path=False, print_msg=False)
    assert off.folder_name == "plain"


# -- parameters -------------------------------------------------------------------------------------
def test_param_round_trips_with_pymonnto_conversions():
    sm = StorageManager("p", print_msg=False)
    sm.save_param_dict({"i": 12, "neg": -3, "f": 0.25, "t": True, "fa": False, "s": "hello world",
                        "pc": "50%", "lst": [1, 2, 3], "sci": 1e-05, "none": None})
    assert sm.load_param("i") == 12 and type(sm.load_param("i")) is int
    assert sm.load_param("neg") == -3
    assert sm.load_param("f") == 0.25 and type(sm.load_param("f")) is float
    assert sm.load_param("t") is True and sm.load_param("fa") is False
    assert sm.load_param("s") == "hello world"
    assert sm.load_param("pc") == "50percent"  # '%' is written as 'percent', as PymoNNto
    assert sm.load_param("lst") == "[1, 2, 3]"  # never eval'ed: the string comes back
    assert sm.load_param("sci") == 1e-05  # PymoNNto returns the string '1e-05'
    assert sm.load_param("none") == "None"
    assert sm.load_param("i", return_string=True) == "12"
    assert sm.load_param("missing") is None and sm.load_param("missing", default=-1) == -1
    assert sm.load_param("i", section="Other") is None
    assert sm.load_param_list(["i", "f", "missing"]) == [12, 0.25, None]
    assert sm.load_param_list(["i", "t"], return_dict=True) == {"i": 12, "t": True}
    assert set(sm.get_all_params()) == {"time", "i", "neg", "f", "t", "fa", "s", "pc", "lst", "sci", "none"}


def test_params_in_other_sections_and_file_content():
    sm = StorageManager("sec", print_msg=False)
    sm.save_param("score", 3, section="Results")
    sm.save_param("eval_code", "__import__('os').system('echo hi')")
    with open(sm.absolute_path + "config.ini") as f:
        text = f.read()
    assert "[Results]\nscore = 3\n" in text
    assert sm.load_param("score", "Results") == 3
    assert sm.load_param("eval_code") == "__import__('os').system('echo hi')"
    assert sm.get_all_params("Results") == ["score"] and sm.get_all_params("Nothing") == []


def test_bad_param_keys_and_sections_are_named_errors():
    sm = StorageManager("badkeys", print_msg=False)
    for key in ("a=b", "a:b", "two\nlines", " padded", "", "[sec"):
        with pytest.raises(ConfigurationError, match="cannot be stored in config.ini"):
            sm.save_param(key, 1)
    with pytest.raises(ConfigurationTypeError, match="parameter key must be a str"):
        sm.save_param(5, 1)
    with pytest.raises(ConfigurationError, match="section"):
        sm.save_param("k", 1, section="a]b")
    assert sm.get_all_params() == ["time"]


# -- arrays and objects -----------------------------------------------------------------------------
def test_np_round_trip():
    sm = StorageManager("np", print_msg=False)
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    sm.save_np("weights", a)
    assert os.path.isfile(sm.absolute_path + "weights.npy")
    b = sm.load_np("weights")
    assert b.dtype == np.float32 and np.array_equal(a, b)
    assert np.array_equal(np.load(sm.absolute_path + "weights.npy"), a)  # a plain .npy file
    sm.save_np("flags", [True, False, True])
    assert sm.load_np("flags").tolist() == [True, False, True]


def test_obj_round_trip_nested_with_arrays():
    sm = StorageManager("obj", print_msg=False)
    obj = {"W": np.arange(6.0).reshape(2, 3), "meta": {"n": 3, "name": "exc", "ok": True, "none": None},
           "spikes": [np.array([1, 5, 9], dtype=np.int64), np.zeros((0, 2))], "pair": (1.5, "a"),
           "scalar": np.float32(2.5), "count": np.int64(7), "nan": float("nan"), "__pymonn__": "user key"}
    sm.save_obj("state", obj)
    assert sm.has_obj("state") and not sm.has_obj("other")
    back = sm.load_obj("state")
    assert set(back) == set(obj)
    assert np.array_equal(back["W"], obj["W"]) and back["W"].dtype == np.float64
    assert back["meta"] == obj["meta"]
    assert back["spikes"][0].dtype == np.int64 and back["spikes"][0].tolist() == [1, 5, 9]
    assert back["spikes"][1].shape == (0, 2)
    assert back["pair"] == (1.5, "a") and isinstance(back["pair"], tuple)
    assert back["scalar"] == np.float32(2.5) and type(back["scalar"]) is np.float32
    assert back["count"] == 7 and type(back["count"]) is np.int64
    assert np.isnan(back["nan"]) and back["__pymonn__"] == "user key"
    with zipfile.ZipFile(sm.absolute_path + "state.obj") as zf:  # the documented container
        assert sorted(zf.namelist()) == ["arrays/0.npy", "arrays/1.npy", "arrays/2.npy", "arrays/3.npy",
                                         "arrays/4.npy", "object.json"]


def test_obj_of_another_type_is_refused_and_writes_nothing():
    sm = StorageManager("objbad", print_msg=False)

    class Thing:
        pass

    with pytest.raises(UnsupportedObjectError, match=r"obj\['a'\]\[1\] is a .*Thing.*None, bool, int, float, str"):
        sm.save_obj("x", {"a": [1, Thing()]})
    with pytest.raises(UnsupportedObjectError, match="key of type int"):
        sm.save_obj("x", {1: 2})
    with pytest.raises(UnsupportedObjectError, match="dtype object"):
        sm.save_obj("x", {"a": np.array([None, 1], dtype=object)})
    loop = []
    loop.append(loop)
    with pytest.raises(UnsupportedObjectError, match="contains itself"):
        sm.save_obj("x", loop)
    assert not sm.has_obj("x") and sorted(os.listdir(sm.absolute_path)) == ["config.ini"]


def test_object_array_is_refused_by_save_np():
    sm = StorageManager("objarr", print_msg=False)
    with pytest.raises(UnsupportedObjectError, match=r"save_np\('mixed'\).*dtype object.*never pickles"):
        sm.save_np("mixed", np.array([1, "a", None], dtype=object))
    assert not os.path.exists(sm.absolute_path + "mixed.npy")


class _SideEffect:
    """Unpickling this creates the file ``marker``: proof that a pickle was (not) loaded."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pymonnto_pickle_obj_is_never_unpickled(project):
    sm = StorageManager("pick", print_msg=False)
    marker = project / "unpickled.txt"
    with open(sm.absolute_path + "net.obj", "wb") as f:
        pickle.dump({"payload": _SideEffect(str(marker))}, f)
    assert sm.has_obj("net")
    with pytest.raises(PickleFileError, match="is a pickle.*never unpickles.*load it with PymoNNto"):
        sm.load_obj("net")
    with open(sm.absolute_path + "old.obj", "wb") as f:
        pickle.dump([1, 2, 3], f, protocol=0)  # text protocol, no 0x80 header
    with pytest.raises(PickleFileError):
        sm.load_obj("old")
    assert not marker.exists()
    with pytest.raises(PickleFileError):  # the group loads each run the same way
        StorageManagerGroup("pick").get_obj_list("net")
    assert not marker.exists()


def test_pickled_npy_is_refused(project):
    sm = StorageManager("picknpy", print_msg=False)
    marker = project / "unpickled.txt"
    np.save(sm.absolute_path + "evil.npy", np.array([_SideEffect(str(marker))], dtype=object), allow_pickle=True)
    with pytest.raises(StateFileError, match="evil.npy: not a readable .npy array without Python objects"):
        sm.load_np("evil")
    assert not marker.exists()


def test_damaged_obj_files_are_named_errors():
    sm = StorageManager("objdamaged", print_msg=False)
    sm.save_obj("good", {"a": np.ones(3)})
    path = sm.absolute_path + "good.obj"
    data = open(path, "rb").read()
    with open(sm.absolute_path + "cut.obj", "wb") as f:
        f.write(data[: len(data) // 2])
    with pytest.raises(StateFileError, match="cut.obj"):
        sm.load_obj("cut")
    with zipfile.ZipFile(sm.absolute_path + "forged.obj", "w") as zf:
        zf.writestr("object.json", '{"format": "pymonn-obj", "version": 1, "value": '
                                   '{"__pymonn__": "ndarray", "file": "../../etc/passwd"}}')
    with pytest.raises(StateFileError, match="array member '../../etc/passwd' is missing or not named arrays/N.npy"):
        sm.load_obj("forged")
    with zipfile.ZipFile(sm.absolute_path + "other.obj", "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(StateFileError, match="without object.json"):
        sm.load_obj("other")
    with open(sm.absolute_path + "text.obj", "w") as f:
        f.write("just text")
    with pytest.raises(StateFileError, match="not a pymonn object file"):
        sm.load_obj("text")


def test_str_round_trip():
    sm = StorageManager("str", print_msg=False)
    sm.save_str("notes", "line 1\nünïcode 2\n")
    assert sm.load_str("notes") == "line 1\nünïcode 2\n"
    assert os.path.isfile(sm.absolute_path + "notes.txt")


class Count(Behaviour):
    def initialize(self, n):
        n.v = n.vector()
        n.fired = n.vector(bool)

    def iteration(self, n):
        n.v += 1.0
        n.fired = (n.v % 3) == 0


def test_save_recorder_writes_each_variable():
    net = Network(dt=1.0, seed=1)
    NeuronGroup(net, 4, {1: Count(), 9: Recorder(["v"]), 10: EventRecorder("fired")}, tag="n")
    net.initialize()
    net.simulate_iterations(6, progress=False)
    rec, ev = net["Recorder", 0], net["EventRecorder", 0]
    sm = StorageManager("rec", print_msg=False)
    sm.save_recorder("exc_", rec)
    sm.save_recorder("exc_", ev, keys="fired")
    v = sm.load_np("exc_v")
    assert v.shape == (6, 4) and v[:, 0].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    fired = sm.load_np("exc_fired")
    assert fired.shape == (8, 2) and sorted(set(fired[:, 1].tolist())) == [0, 1, 2, 3]  # 2 steps x 4 neurons


# -- names ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["../escape", "a/b", "..", ".", "/abs/path", "nul\0byte", "back\\slash", ""])
def test_path_traversal_in_keys_is_refused(bad, project):
    sm = StorageManager("safe", print_msg=False)
    for call in (lambda: sm.save_np(bad, np.ones(2)), lambda: sm.save_obj(bad, 1), lambda: sm.save_str(bad, "x"),
                 lambda: sm.load_np(bad), lambda: sm.load_obj(bad), lambda: sm.has_obj(bad)):
        with pytest.raises(UnsafeNameError, match="not a plain name"):
            call()
    assert sorted(os.listdir(sm.absolute_path)) == ["config.ini"]
    assert sorted(os.listdir(project)) == ["Data"]


@pytest.mark.parametrize("bad", ["../up", "a/b", "..", "/abs", "x\0"])
def test_path_traversal_in_folder_names_is_refused(bad, project):
    with pytest.raises(UnsafeNameError, match="main_folder_name"):
        StorageManager(bad, print_msg=False)
    with pytest.raises(UnsafeNameError, match="folder_name"):
        StorageManager("ok", bad, print_msg=False)
    with pytest.raises(UnsafeNameError):
        StorageManager({"a": "x/../../y"}, print_msg=False)
    with pytest.raises(UnsafeNameError, match="Tag"):
        StorageManagerGroup(bad)
    assert sorted(os.listdir(project)) == ["Data"] and not os.path.exists(SM_ROOT + "ok/ok")


# -- missing and malformed files --------------------------------------------------------------------
def test_malformed_config_ini_is_a_state_file_error():
    sm = StorageManager("badini", print_msg=False)
    with open(sm.absolute_path + "config.ini", "w") as f:
        f.write("this is not ini\nk = 1\n")
    with pytest.raises(StateFileError, match=r"badini/config.ini: not a readable config.ini \(MissingSectionHeaderError"):
        sm.load_param("k")
    with open(sm.absolute_path + "config.ini", "w") as f:
        f.write("[Parameters]\nk = 1\nk = 2\n")
    with pytest.raises(StateFileError, match="DuplicateOptionError"):
        sm.load_param("k")
    with open(sm.absolute_path + "config.ini", "wb") as f:
        f.write(b"[Parameters]\nk = \xff\xfe\n")
    with pytest.raises(StateFileError, match="UnicodeDecodeError"):
        sm.load_param("k")


def test_missing_config_ini_and_missing_files():
    sm = StorageManager("missing", print_msg=False)
    os.remove(sm.absolute_path + "config.ini")
    again = StorageManager("missing", add_new_when_exists=False, print_msg=False)
    with pytest.raises(StorageFileNotFoundError, match="missing/config.ini: no such file"):
        again.load_param("k")
    with pytest.raises(FileNotFoundError):  # also an OSError, as PymoNNto's code may expect
        again.load_np("nothing")
    with pytest.raises(StorageFileNotFoundError, match="nothing.obj: no such file"):
        again.load_obj("nothing")
    with pytest.raises(StorageFileNotFoundError, match="nothing.txt"):
        again.load_str("nothing")
    again.save_param("k", 5)  # saving recreates it
    assert again.load_param("k") == 5


def test_truncated_npy_is_a_state_file_error():
    sm = StorageManager("trunc", print_msg=False)
    sm.save_np("big", np.arange(1000.0))
    data = open(sm.absolute_path + "big.npy", "rb").read()
    for name, cut in (("half", len(data) // 2), ("header", 20), ("empty", 0)):
        with open(sm.absolute_path + f"{name}.npy", "wb") as f:
            f.write(data[:cut])
        with pytest.raises(StateFileError, match=rf"{name}.npy: not a readable .npy array"):
            sm.load_np(name)


def test_simple_storage_manager_on_an_existing_folder(project):
    (project / "plain").mkdir()
    ssm = SimpleStorageManager(str(project / "plain"))
    ssm.save_str("error", "boom")
    assert (project / "plain" / "error.txt").read_text() == "boom"
    with pytest.raises(ConfigurationError, match="not an existing folder"):
        SimpleStorageManager(str(project / "nope"))


# -- backups ----------------------------------------------------------------------------------------
def test_backup_and_copy_project_files(project):
    (project / "model.py").write_text("x = 1\n")
    (project / "pkg").mkdir()
    (project / "pkg" / "a.py").write_text("y = 2\n")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref\n")
    (project / "old.zip").write_bytes(b"zip")
    sm = StorageManager("bk", print_msg=False)
    sm.backup(str(project / "model.py"))
    assert open(sm.absolute_path + "model.py").read() == "x = 1\n"
    with pytest.raises(StorageFileNotFoundError):
        sm.backup(str(project / "nope.py"))
    out = sm.copy_project_files()
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["model.py", "pkg/a.py"]  # no Data/, .git/ or .zip
        assert zf.read("pkg/a.py") == b"y = 2\n"


# -- StorageManagerGroup ----------------------------------------------------------------------------
def make_runs(values, tag="grp"):
    for i, params in enumerate(values):
        sm = StorageManager(tag, print_msg=False)
        sm.save_param_dict(params)
        sm.save_np("arr", np.full(2, i))
    return StorageManagerGroup(tag)


def test_group_lists_sorts_and_iterates():
    smg = make_runs([{"score": 5, "n": 10}, {"score": 1, "n": 20}, {"n": 30}, {"score": 3, "n": 40, "name": "abc"}])
    assert [sm.folder_name for sm in smg] == ["grp", "grp_0", "grp_1", "grp_2"]
    assert smg.get_param_list("score") == [5, 1, None, 3]
    assert smg.get_param_list("score", remove_None=True) == [5, 1, 3]
    smg.sort_by("score")  # a run without the parameter counts as -inf
    assert smg.get_param_list("n") == [30, 20, 40, 10]
    assert [a.tolist() for a in smg.get_np_list("arr")] == [[2, 2], [1, 1], [3, 3], [0, 0]]
    assert smg.get_param_list("#SM#") is smg.StorageManagerList
    assert sorted(smg.get_all_params()) == ["n", "name", "score", "time"]
    smg.add_virtual_multi_parameter("group", "A")
    smg.add_virtual_multi_parameter("rank", [0, 1, 2, 3])
    assert "rank" in smg.get_all_params() and "rank" not in smg.get_all_params(include_virtual_parameters=False)
    pl = smg.get_multi_param_list(["score", "n", "rank"])  # the run without score is dropped
    assert pl.dtype != object and pl.tolist() == [[1, 3, 5], [20, 40, 10], [1, 2, 3]]
    full = smg.get_multi_param_list(["score", "group"], remove_None=False)
    assert full.dtype == object and full[0].tolist() == [None, 1, 3, 5] and full[1].tolist() == ["A"] * 4
    d = smg.get_multi_param_dict(["score", "n"])
    assert d["score"].tolist() == [1, 3, 5] and d["n"].tolist() == [20, 40, 10]
    smg.refresh()
    assert len(smg) == 4


def test_group_obj_list_and_missing_files():
    sm = StorageManager("objs", print_msg=False)
    sm.save_obj("o", {"x": np.arange(2)})
    StorageManager("objs", print_msg=False)
    smg = StorageManagerGroup("objs")
    objs = smg.get_obj_list("o")
    assert objs[1] is None and objs[0]["x"].tolist() == [0, 1]
    assert len(smg.get_obj_list("o", remove_None=True)) == 1
    assert smg.get_np_list("none", remove_None=True) == []


def test_group_queries_are_parsed_not_evaluated():
    smg = make_runs([{"score": 12, "n": 5, "name": "abc"}, {"score": 8, "n": 7, "name": "xyz"},
                     {"n": 3, "name": "abc"}, {"score": 10.5, "n": 5}])
    def names(runs):
        return [sm.folder_name for sm in runs]
    assert names(smg["score"]) == ["grp", "grp_0", "grp_2"]
    assert names(smg["score>10"]) == ["grp", "grp_2"]
    assert names(smg["score >= 10.5"]) == ["grp", "grp_2"]
    assert names(smg["n<=5"]) == ["grp", "grp_1", "grp_2"]
    assert names(smg["n<5"]) == ["grp_1"]
    assert names(smg["n==5"]) == ["grp", "grp_2"]
    assert names(smg["n!=5"]) == ["grp_0", "grp_1"]
    assert names(smg["name==abc"]) == ["grp", "grp_1"]
    assert names(smg["name=='xyz'"]) == ["grp_0"]
    assert names(smg["name!=abc"]) == ["grp_0"]
    assert smg["__import__('os').getcwd()>1"] == []  # just a parameter name nobody has: nothing runs
    for bad in ("score=10", "score>abc", "a b"):
        with pytest.raises(ConfigurationError, match="score=10|not a number|not understood"):
            smg[bad]


def test_remove_duplicates_get_eval_numbers():
    smg = StorageManagerGroup("none")
    x = np.array([1, 2, 1, 3, 2, 1])
    y = np.array([1.0, 10.0, 3.0, 7.0, 20.0, 8.0])
    u, avg = smg.remove_duplicates_get_eval(x, y)
    assert u.tolist() == [1, 2, 3] and avg.tolist() == [4.0, 15.0, 7.0]
    assert smg.remove_duplicates_get_eval(x, y, evalstr="np.std(a)")[1].tolist() == pytest.approx([np.std([1, 3, 8]), 5.0, 0.0])
    assert smg.remove_duplicates_get_eval(x, y, "np.max(a)")[1].tolist() == [8.0, 20.0, 7.0]
    assert smg.remove_duplicates_get_eval(x, y, "np.sum( a )")[1].tolist() == [12.0, 30.0, 7.0]
    assert smg.remove_duplicates_get_eval(x, y, "np.median(a)")[1].tolist() == [3.0, 15.0, 7.0]
    assert smg.remove_duplicates_get_eval(x, y, lambda a: len(a))[1].tolist() == [3.0, 2.0, 1.0]
    with pytest.raises(ExpressionError, match="never evals"):
        smg.remove_duplicates_get_eval(x, y, "__import__('os').getcwd()")


def test_group_on_a_missing_main_folder_is_empty_and_creates_nothing(project):
    smg = StorageManagerGroup("never_run")
    assert smg.StorageManagerList == [] and smg.get_multi_param_list(["k"]).shape == (1, 0)
    assert os.listdir(project / "Data") == []


def test_group_with_main_folder_name_and_data_folder(project):
    other = project / "clone_data"
    other.mkdir()
    for _ in range(2):
        StorageManager("evo", "evo id1", data_folder=str(other), print_msg=False).save_param("score", 1)
    StorageManager("evo", "unrelated", data_folder=str(other), print_msg=False)
    smg = StorageManagerGroup("id1", main_folder_name="evo", data_folder=str(other))
    assert [sm.folder_name for sm in smg] == ["evo id1", "evo id1_0"]
    assert smg.get_param_list("score") == [1, 1]


# -- frames, video, script backup, parallel runs ---------------------------------------------------
def test_save_frame_writes_numbered_pngs():
    image = pytest.importorskip("matplotlib.image")
    sm = StorageManager("frames", print_msg=False)
    grey = np.array([[0, 128], [255, 64]], dtype=np.uint8)
    colour = np.zeros((2, 3, 3), dtype=np.uint8)
    colour[0, 0] = (255, 0, 0)
    assert sm.save_frame(grey, "f") == sm.absolute_path + "f0.png"
    assert sm.save_frame(colour, "f") == sm.absolute_path + "f1.png"
    back = image.imread(sm.absolute_path + "f0.png")  # RGBA floats in [0, 1]
    assert np.allclose(back[..., 0] * 255, grey, atol=0.5) and np.allclose(back[..., 0], back[..., 2])
    back = image.imread(sm.absolute_path + "f1.png")
    assert back.shape[:2] == (2, 3) and back[0, 0, :3].tolist() == [1.0, 0.0, 0.0]
    assert sm.frame_counter == {"f": 2}
    with pytest.raises(ConfigurationError, match="expected a 2-D or H x W x 3/4 image"):
        sm.save_frame(np.zeros(4), "f")


def test_save_frame_without_matplotlib_is_a_clear_error(monkeypatch):
    sm = StorageManager("nompl", print_msg=False)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"save_frame writes PNG files with matplotlib.*pymonn\[plot\]"):
        sm.save_frame(np.zeros((2, 2)), "f")


def test_render_video_without_ffmpeg_is_a_clear_error(monkeypatch):
    from pymonn.compat import storage_manager

    sm = StorageManager("video", print_msg=False)
    monkeypatch.setattr(storage_manager.shutil, "which", lambda name: None)
    with pytest.raises(storage_manager.ExternalToolError, match="needs the ffmpeg program"):
        sm.render_video("f", delete_images=True)


def test_backup_execued_file_copies_the_running_script(project, monkeypatch):
    script = project / "experiment.py"
    script.write_text("print('run')\n")
    monkeypatch.setattr(sys, "argv", [str(script)])
    sm = StorageManager("script", print_msg=False)
    sm.backup_execued_file()
    assert open(sm.absolute_path + "experiment.py").read() == "print('run')\n"
    monkeypatch.setattr(sys, "argv", [""])
    with pytest.raises(ConfigurationError, match="no script file is running"):
        sm.backup_executed_file()


def test_two_managers_on_one_folder_see_each_others_parameters():
    a = StorageManager("shared", print_msg=False)
    b = StorageManager("shared", add_new_when_exists=False, print_msg=False)
    for i in range(20):  # same-size writes in quick succession: nothing may be served stale
        a.save_param("k", i)
        assert b.load_param("k") == i
        b.save_param("j", i)
        assert a.load_param_list(["k", "j"]) == [i, i]


def test_parallel_runs_get_distinct_folders(project):
    code = "from pymonn.compat.storage_manager import StorageManager\nStorageManager('par', print_msg=False)\n"
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=project) for _ in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    assert folders("par") == ["par", "par_0", "par_1", "par_2"]
    assert all(os.path.isfile(f"{SM_ROOT}par/{name}/config.ini") for name in folders("par"))
