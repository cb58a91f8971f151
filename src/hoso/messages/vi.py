"""Tiếng Việt: the default language of every message."""

MESSAGES: dict[str, str] = {
    # --- command line ---------------------------------------------------------------------
    "cli.description": (
        "hoso — hồ sơ, sổ sách điện tử của nhà trường: tệp PDF ký số lưu trong kho Git,\n"
        "kiểm tra tự động, duyệt bằng pull request, công bố cho thanh tra."
    ),
    "cli.epilog": (
        "Mã thoát: 0 hợp lệ · 1 có lỗi · 2 sai cú pháp lệnh · 3 lỗi cấu hình · 4 sai vị trí/tên tệp\n"
        "· 5 sai định dạng PDF · 6 thiếu chữ ký · 7 chữ ký hỏng · 8 không tin cậy · 9 vi phạm lịch sử\n"
        "· 10 không tìm thấy · 11 hồ sơ đã tồn tại · 70 lỗi của hoso. Đặt HOSO_LANG=en để dùng tiếng Anh."
    ),
    "cli.commands-title": "các lệnh",
    "cli.metavar-command": "LỆNH",
    "cli.metavar-dir": "THƯ_MỤC",
    "cli.metavar-path": "ĐƯỜNG_DẪN",
    "cli.metavar-file": "TỆP",
    "cli.metavar-type": "LOẠI",
    "cli.metavar-owner": "CHỦ_SỞ_HỮU",
    "cli.metavar-title": "TÊN",
    "cli.metavar-level": "CẤP_HỌC",
    "cli.opt-repo": "thư mục kho hồ sơ (mặc định: kho Git chứa thư mục hiện tại)",
    "cli.opt-format": "định dạng kết quả: text (mặc định) hoặc json",
    "cli.opt-version": "hiện phiên bản rồi thoát",
    "cli.error-label": "lỗi",
    "cli.see-help": "Xem hướng dẫn: {prog} --help",
    "cli.interrupted": "Đã dừng theo yêu cầu. Không tệp nào bị ghi dở.",
    "cli.internal-error": (
        "hoso {version} gặp lỗi nội bộ (không phải do dữ liệu của bạn). Không tệp hồ sơ nào bị thay đổi. "
        "Hãy gửi tệp nhật ký dưới đây cho bộ phận kỹ thuật."
    ),
    "cli.crash-log": "Chi tiết lỗi đã ghi vào: {path}",
    "cli.check.help": "kiểm tra hồ sơ theo danh mục (vị trí, định dạng, vệ sinh thư mục)",
    "cli.check.description": (
        "Kiểm tra các tệp trong records/: đúng vị trí theo catalog.yml, đúng định dạng PDF, không có\n"
        "tệp lạ. Mỗi lỗi in một dòng: đường dẫn: mã quy tắc: lỗi gì — cần làm gì."
    ),
    "cli.check.paths": "tệp hoặc thư mục cần kiểm tra (bản trên đĩa)",
    "cli.check.staged": "kiểm tra bản đã git add (dùng trong pre-commit)",
    "cli.check.all": "kiểm tra toàn bộ hồ sơ trong kho",
    "cli.check.summary": "in thêm bảng tổng hợp theo năm học và cấp sở hữu",
    "cli.check.no-cache": "không dùng bộ nhớ đệm .hoso/",
    "cli.add.help": "đặt một tệp PDF vào đúng chỗ trong records/ (không bao giờ ghi đè)",
    "cli.add.description": (
        "Sao chép TỆP vào records/<năm học>/<chủ sở hữu>/<loại>/<tên>.pdf, tên tệp lấy từ --title\n"
        "(bỏ dấu tiếng Việt), kiểm tra trước khi chép và git add tệp mới."
    ),
    "cli.add.file": "tệp PDF cần đưa vào kho",
    "cli.add.type": "mã loại hồ sơ trong catalog.yml, ví dụ ke-hoach-bai-day",
    "cli.add.owner": "mã giáo viên (people.yml) hoặc mã tổ, tùy loại hồ sơ",
    "cli.add.year": "năm học, ví dụ 2024-2025 (mặc định: năm học hiện tại)",
    "cli.add.title": "tên hồ sơ bằng tiếng Việt, dùng để đặt tên tệp",
    "cli.add.no-stage": "không git add tệp mới",
    "cli.init.help": "tạo kho hồ sơ mới cho một trường (danh mục theo Điều 21 của điều lệ trường)",
    "cli.init.description": (
        "Ghi catalog.yml, people.yml, locks.yml, trust/, .pre-commit-config.yaml, mkdocs.yml và\n"
        ".gitignore. Tệp đã có được giữ nguyên."
    ),
    "cli.init.dir": "thư mục của kho (mặc định: thư mục hiện tại)",
    "cli.init.level": "cấp học: thcs, thpt, nhieu-cap, tieu-hoc hoặc mam-non",
    "cli.init.name": 'tên trường, ví dụ "Trường THCS Hòa Bình"',
    "cli.validate-config.help": "kiểm tra catalog.yml, people.yml, locks.yml",
    "cli.validate-config.description": (
        "Kiểm tra cấu trúc và liên kết giữa catalog.yml, people.yml, locks.yml; lỗi kèm số dòng."
    ),
    # --- configuration ----------------------------------------------------------------------
    "config.error-label": "lỗi",
    "config.warning-label": "cảnh báo",
    "config.invalid": "Cấu hình không hợp lệ.",
    "config.fix-first": "Hãy sửa cấu hình trên rồi chạy lại (kiểm tra bằng: hoso validate-config).",
    "config.missing-file": "không tìm thấy tệp — tạo bằng lệnh: hoso init --level thcs (hoặc tieu-hoc, mam-non)",
    "config.not-utf8": "tệp không phải UTF-8 — lưu lại tệp với mã hóa UTF-8",
    "config.yaml-syntax": "sai cú pháp YAML ({detail}) — kiểm tra thụt lề, dấu hai chấm và dấu ngoặc kép",
    "config.not-mapping": "tệp phải là một bảng khóa: giá trị — xem mẫu do hoso init tạo",
    "config.missing": "thiếu mục bắt buộc '{field}' — thêm mục này",
    "config.pattern": "'{field}' có giá trị '{value}' không đúng dạng — xem mẫu do hoso init tạo",
    "config.choice": "'{field}' có giá trị '{value}' không hợp lệ — chọn một trong: {choices}",
    "config.int": "'{field}' phải là số nguyên, đang là '{value}'",
    "config.number": "'{field}' phải là một số, đang là '{value}'",
    "config.bool": "'{field}' phải là true hoặc false, đang là '{value}'",
    "config.date": "'{field}' phải là ngày dạng YYYY-MM-DD, ví dụ 2024-09-05; đang là '{value}'",
    "config.string": "'{field}' phải là chuỗi chữ, đang là '{value}'",
    "config.empty": "'{field}' không được để trống",
    "config.too-long": "'{field}' quá dài",
    "config.list": "'{field}' phải là một danh sách (mỗi mục bắt đầu bằng '- ')",
    "config.mapping": "'{field}' phải là một bảng khóa: giá trị",
    "config.list-empty": "'{field}' cần ít nhất một mục",
    "config.range": "'{field}' = '{value}' nằm ngoài giới hạn cho phép ({limit})",
    "config.invalid-value": "'{field}' có giá trị '{value}' không hợp lệ",
    "config.hint-slug": (
        "'{field}' = '{value}' phải viết thường, không dấu, nối bằng gạch ngang, ví dụ nguyen-van-an"
    ),
    "config.hint-year": "'{field}' = '{value}' phải là năm học dạng YYYY-YYYY liên tiếp, ví dụ 2024-2025",
    "config.hint-fingerprint": (
        "'{field}' = '{value}' phải là dấu vân tay SHA-256 của chứng thư (64 ký tự hex, có thể có dấu ':')"
    ),
    "config.unknown-key": "khóa lạ '{key}' trong '{where}' bị bỏ qua — kiểm tra chính tả",
    "config.retention": (
        "thời hạn bảo quản '{value}' không hợp lệ — ghi số năm (ví dụ 5), vinh-vien hoặc tra-hoc-sinh"
    ),
    "config.unknown-signer": "người ký '{value}' không có — chọn một trong: {choices}",
    "config.duplicate-id": "mã '{value}' bị trùng — mỗi mã chỉ dùng một lần",
    "config.unknown-role": "vai trò '{value}' không có — chọn một trong: {choices}",
    "config.unknown-group": "tổ '{value}' chưa khai báo trong groups — thêm tổ hoặc sửa mã",
    "config.role-needs-group": "vai trò '{role}' cần ghi rõ tổ (group: mã-tổ)",
    "config.dates-order": "ngày kết thúc (until) trước ngày bắt đầu (from) — sửa lại ngày",
    "config.cert-shared": "chứng thư này đã khai báo cho '{other}' — mỗi chứng thư thuộc về một người",
    "config.seal-missing": (
        "danh mục yêu cầu con dấu (con-dau) nhưng people.yml chưa có mục seal — thêm seal với dấu vân "
        "tay chứng thư số của nhà trường"
    ),
    "config.unknown-type": "loại hồ sơ '{value}' không có trong catalog.yml",
    "config.unknown-person": "người '{value}' không có trong people.yml",
    # --- git --------------------------------------------------------------------------------
    "git.not-installed": "không tìm thấy chương trình git — hãy cài Git rồi chạy lại",
    "git.failed": "lệnh {command} thất bại: {detail}",
    "git.missing-object": "kho Git thiếu nội dung của {path} ({oid}) — chạy git fsck để kiểm tra kho",
    # --- check ------------------------------------------------------------------------------
    "check.usage-all": "--all không dùng cùng --staged hay danh sách tệp",
    "check.usage-nothing": "chưa nói kiểm tra gì — thêm đường dẫn, --staged hoặc --all",
    "check.staged-needs-git": "--staged chỉ dùng trong một kho Git",
    "check.not-found": "không tìm thấy '{path}'",
    "check.outside-repo": "'{path}' nằm ngoài kho hồ sơ — dùng hoso add để đưa tệp vào kho",
    "check.ok": "Đã kiểm tra {count} tệp: tất cả hợp lệ.",
    "check.failed": "Đã kiểm tra {count} tệp: {bad} tệp có lỗi ({problems} lỗi).",
    "summary.title": "Tổng hợp hồ sơ — {school}",
    "summary.year": "Năm học",
    "summary.owner": "Cấp",
    "summary.records": "Số hồ sơ",
    "summary.ok": "Hợp lệ",
    "summary.bad": "Có lỗi",
    "summary.unplaced": "Sai vị trí",
    "summary.total": "Tổng",
    "owner.truong": "Nhà trường",
    "owner.to": "Tổ chuyên môn",
    "owner.giao-vien": "Giáo viên",
    # --- validate-config --------------------------------------------------------------------
    "validate.ok": "Cấu hình hợp lệ: {types} loại hồ sơ, {people} người, {locks} lần khóa sổ.",
    "validate.failed": "Cấu hình có {count} lỗi.",
    # --- add --------------------------------------------------------------------------------
    "add.source-missing": "không tìm thấy tệp '{path}'",
    "add.unknown-type": "loại hồ sơ '{value}' không có trong catalog.yml — chọn một trong: {choices}",
    "add.bad-year": "năm học '{value}' không đúng dạng — viết YYYY-YYYY liên tiếp, ví dụ 2024-2025",
    "add.owner-needed": "loại '{type}' cần --owner: mã giáo viên hoặc mã tổ trong people.yml",
    "add.empty-slug": "không đặt được tên tệp từ '{value}' — thêm --title bằng chữ",
    "add.refused": "Chưa đưa '{path}' vào kho: hãy sửa các lỗi trên rồi chạy lại.",
    "add.exists": (
        "đã có hồ sơ tại {path}; hoso không bao giờ ghi đè — đặt tên khác bằng --title, hoặc bổ sung "
        "chữ ký cho hồ sơ đang có"
    ),
    "add.stage-failed": "đã chép tệp nhưng git add {path} thất bại — chạy git add thủ công",
    "add.done": "Đã đưa vào kho: {path}. Bước tiếp theo: git commit",
    # --- init -------------------------------------------------------------------------------
    "init.bad-level": "cấp học '{value}' không hợp lệ — chọn một trong: {choices}",
    "init.catalog-header": (
        "Danh mục hồ sơ, sổ sách của nhà trường (cấp {level}), tạo bởi hoso init.\n"
        "Loại hồ sơ theo Điều 21 điều lệ trường; thời hạn bảo quản có confirmed: false là giá trị\n"
        "chưa đối chiếu văn bản (Thông tư 08/2025/TT-BGDĐT): hãy kiểm tra trước khi dựa vào.\n"
        "Kiểm tra tệp này bằng: hoso validate-config"
    ),
    "init.site-index": (
        "# Hồ sơ, sổ sách điện tử\n\nTrang này được công bố cho cơ quan quản lý và thanh tra.\n"
    ),
    "init.kept": "giữ nguyên (đã có): {path}",
    "init.wrote": "đã tạo: {path}",
    "init.git-init": "đã tạo kho Git mới",
    "init.next-steps": (
        "Tiếp theo: điền thông tin trường trong catalog.yml, nhân sự trong people.yml, chạy\n"
        "hoso validate-config, rồi pre-commit install để bật kiểm tra khi commit."
    ),
    # --- trust --------------------------------------------------------------------------------
    "cli.metavar-action": "VIỆC",
    "cli.init.trust": "thêm bộ chứng thư gốc được tin cậy có sẵn (vn: Root CA quốc gia, Ban Cơ yếu Chính phủ, VNPT-CA)",
    "cli.trust.help": "quản lý chứng thư gốc được tin cậy trong trust/",
    "cli.trust.description": "Thêm bộ chứng thư gốc của Việt Nam, hoặc liệt kê các chứng thư trong trust/ kèm vân tay SHA-256.",
    "cli.trust.add": "thêm một bộ chứng thư có sẵn vào trust/ (không ghi đè tệp khác nội dung)",
    "cli.trust.bundle": "tên bộ chứng thư: vn",
    "cli.trust.list": "liệt kê chứng thư trong trust/ với thời hạn và vân tay SHA-256",
    "trust.item": "{file}: {subject} (hết hạn {until})",
    "trust.count": "{count} chứng thư được tin cậy. Hãy đối chiếu vân tay với trang của tổ chức chứng thực trước khi tin dùng.",
    "trust.unknown-bundle": "không có bộ chứng thư '{value}' — chọn một trong: {choices}",
    "trust.bad-pem": "tệp trong trust/ không đọc được ({detail}) — thay bằng tệp PEM tải từ trang của tổ chức chứng thực",
    "trust.kept": "giữ nguyên (đã có): {path}",
    "trust.added": "đã thêm: {path}",
    "trust.added-bundle": "Đã thêm bộ chứng thư '{bundle}'. Kiểm tra rồi commit thư mục trust/ (thay đổi cần được duyệt như mọi hồ sơ).",
    "trust.differs": "{path} đã có với nội dung khác; hoso không ghi đè — xem lại tệp đó rồi xóa nếu muốn thay",
    # --- rules: hygiene ---------------------------------------------------------------------
    "hygiene.traversal": "đường dẫn có thành phần '..', '.', rỗng, tuyệt đối hoặc dấu '\\'",
    "hygiene.traversal.fix": "đặt tệp theo dạng records/<năm học>/<chủ sở hữu>/<loại>/<tên>.pdf",
    "hygiene.control-char": "tên tệp có ký tự điều khiển",
    "hygiene.control-char.fix": "đổi tên tệp chỉ gồm chữ thường không dấu, số và gạch ngang",
    "hygiene.not-nfc": "tên tệp chưa chuẩn hóa Unicode NFC (thường do chép từ máy Mac)",
    "hygiene.not-nfc.fix": "đổi tên tệp không dấu, ví dụ dùng hoso add --title",
    "hygiene.symlink": "là liên kết tượng trưng (symlink), không phải tệp hồ sơ",
    "hygiene.symlink.fix": "thay bằng chính tệp PDF",
    "hygiene.submodule": "là một kho Git con (submodule), không được đặt trong records/",
    "hygiene.submodule.fix": "gỡ submodule khỏi records/",
    "hygiene.stray-file": "tệp lạ '{name}' trong records/: chỉ được chứa tệp .pdf",
    "hygiene.stray-file.fix": "xóa tệp này hoặc chuyển ra ngoài records/",
    "hygiene.case-collision": "trùng tên với '{other}' nếu không phân biệt chữ hoa/thường (lỗi trên Windows)",
    "hygiene.case-collision.fix": "đổi tên một trong hai tệp",
    # --- rules: placement -------------------------------------------------------------------
    "placement.outside-records": "tệp hồ sơ phải nằm trong thư mục records/",
    "placement.outside-records.fix": "đưa tệp vào kho bằng: hoso add TỆP --type LOẠI --owner MÃ --year NĂM",
    "placement.year": "thư mục năm học '{value}' không hợp lệ",
    "placement.year.fix": "dùng năm học dạng YYYY-YYYY liên tiếp, ví dụ records/2024-2025/",
    "placement.layout": "sai cấu trúc thư mục tại '{value}'",
    "placement.layout.fix": (
        "dùng records/<năm>/truong/<loại>/<tên>.pdf, records/<năm>/to/<mã tổ>/<loại>/<tên>.pdf hoặc "
        "records/<năm>/gv/<mã giáo viên>/<loại>/<tên>.pdf"
    ),
    "placement.slug": "tên '{value}' có chữ hoa, dấu, khoảng trắng hoặc ký tự lạ",
    "placement.slug.fix": (
        "chỉ dùng chữ thường không dấu, số và gạch ngang, ví dụ ke-hoach-day-hoc-toan-6.pdf "
        "(hoso add --title tự đặt tên)"
    ),
    "placement.extension": "tệp '{value}' không có đuôi .pdf",
    "placement.extension.fix": "hồ sơ phải là tệp PDF có đuôi .pdf viết thường",
    "placement.type-unknown": "loại hồ sơ '{value}' không có trong catalog.yml",
    "placement.type-unknown.fix": "dùng một mã loại trong catalog.yml, hoặc thêm loại này vào danh mục",
    "placement.type-owner": "loại '{type}' thuộc cấp '{owner}', nhưng tệp đặt ở cấp '{value}'",
    "placement.type-owner.fix": "chuyển tệp sang đúng thư mục của cấp '{owner}'",
    "placement.type-level": "loại '{type}' không áp dụng cho cấp học '{level}' của trường",
    "placement.type-level.fix": "chọn loại hồ sơ đúng cấp học, hoặc sửa levels của loại này trong catalog.yml",
    "placement.owner-unknown": "giáo viên '{value}' không có trong people.yml",
    "placement.owner-unknown.fix": "kiểm tra mã giáo viên, hoặc thêm người này vào people.yml",
    "placement.owner-role": "{value} không giữ vai trò giảng dạy trong năm học {year}",
    "placement.owner-role.fix": "kiểm tra năm học, hoặc bổ sung vai trò (from/until) trong people.yml",
    "placement.group-unknown": "tổ '{value}' không có trong people.yml",
    "placement.group-unknown.fix": "kiểm tra mã tổ, hoặc thêm tổ vào groups trong people.yml",
    "placement.group-inactive": "tổ '{value}' không hoạt động trong năm học {year}",
    "placement.group-inactive.fix": "kiểm tra năm học, hoặc sửa from/until của tổ trong people.yml",
    # --- rules: format ----------------------------------------------------------------------
    "format.too-large": "tệp nặng {size}, vượt giới hạn {limit}",
    "format.too-large.fix": "nén hoặc tách tệp PDF, hoặc sửa max_size_mb của loại hồ sơ trong catalog.yml",
    "format.empty": "tệp rỗng (0 byte)",
    "format.empty.fix": "chép lại đúng tệp PDF đã ký",
    "format.lfs-pointer": "đây là con trỏ Git LFS, chưa phải nội dung PDF",
    "format.lfs-pointer.fix": "tải nội dung về bằng: git lfs pull (hoặc cài Git LFS) rồi kiểm tra lại",
    "format.not-pdf": "nội dung không phải PDF (trông như {detail}) dù tên tệp là .pdf",
    "format.not-pdf.fix": "xuất lại tài liệu ra PDF và ký số, rồi thay tệp này",
    "format.truncated": "tệp PDF bị cắt cụt (thiếu phần kết thúc %%EOF), có thể do tải về dở dang",
    "format.truncated.fix": "tải hoặc chép lại tệp đầy đủ",
    "format.encrypted": "tệp PDF có mật khẩu / mã hóa, thanh tra không mở được",
    "format.encrypted.fix": "xuất lại PDF không đặt mật khẩu rồi ký số",
    "format.unreadable": "không đọc được cấu trúc PDF ({detail})",
    "format.unreadable.fix": "xuất lại tệp PDF từ phần mềm gốc rồi ký số",
    "format.no-pages": "tệp PDF không có trang nào",
    "format.no-pages.fix": "xuất lại tệp PDF có nội dung",
    # --- verify -------------------------------------------------------------------------------
    "cli.verify.help": "kiểm tra chữ ký số của tệp PDF (ngoại tuyến, theo trust/ và people.yml)",
    "cli.verify.description": (
        "Kiểm tra từng chữ ký số trong tệp PDF, không cần mạng: người ký và vai trò lúc ký\n"
        "(people.yml), thời điểm ký, tài liệu còn nguyên vẹn không, chuỗi chứng thư đến một CA trong\n"
        "trust/, hiệu lực chứng thư lúc ký, độ mạnh thuật toán. Mã thoát 0 khi mọi tệp toàn vẹn và tin cậy."
    ),
    "cli.verify.files": "tệp PDF cần kiểm tra",
    "verify.summary": "{ok}/{total} tệp có chữ ký hợp lệ",
    "verify.file-header": "{path}: {status}",
    "verify.file-verdict": "  Kết luận tệp: {status} (toàn vẹn: {integrity}; tin cậy: {trusted})",
    "verify.sig-header": "  Chữ ký {number} (trường {field}): {signer}",
    "verify.timestamp-header": "  Dấu thời gian tài liệu {number} (trường {field}): {signer}",
    "verify.person": "    người ký: {name} ({id}); vai trò lúc ký: {roles}",
    "verify.seal": "    con dấu (chứng thư tổ chức) của: {name}",
    "verify.person-unknown": "    người ký: không có trong people.yml",
    "verify.no-role": "không giữ vai trò nào",
    "verify.claimed-time": "    thời điểm ký (người ký khai): {time}",
    "verify.timestamp-time": "    thời điểm theo dấu thời gian: {time}",
    "verify.no-time": "    thời điểm ký: không có",
    "verify.integrity": "    nguyên vẹn: {intact}; phạm vi ký: {coverage}",
    "verify.coverage.entire-file": "toàn bộ tệp",
    "verify.coverage.entire-revision": "phiên bản {revision} của tệp (các phần thêm sau được kiểm tra riêng)",
    "verify.coverage.partial": "chỉ một phần đầu tệp",
    "verify.coverage.unclear": "không rõ ràng (/ByteRange bất thường)",
    "verify.coverage.unknown": "không xác định được",
    "verify.chain": "    chuỗi chứng thư: {chain}; dẫn đến CA tin cậy trong trust/: {trusted}",
    "verify.validity": "    chứng thư còn hiệu lực lúc ký: {valid}",
    "verify.algorithm": "    thuật toán: băm {digest}, khóa {key}",
    "verify.sig-verdict": "    kết luận chữ ký: {status}",
    "verify.reason-line": "{indent}- {message} — {fix}",
    "verify.yes": "có",
    "verify.no": "không",
    "verify.unknown": "không rõ",
    "verify.status.valid": "hợp lệ",
    "verify.status.invalid": "KHÔNG HỢP LỆ (chữ ký hỏng hoặc tài liệu bị sửa sau khi ký)",
    "verify.status.untrusted": "KHÔNG TIN CẬY (còn nguyên vẹn nhưng chứng thư, thuật toán hoặc người ký không đạt)",
    "verify.status.unsigned": "chưa có chữ ký số",
    "verify.status.unreadable": "không đọc được",
    "verify.status.not-found": "không tìm thấy tệp",
    "file.not-found": "không tìm thấy tệp",
    "file.not-found.fix": "kiểm tra lại đường dẫn",
    "file.unreadable": "không đọc được cấu trúc PDF để kiểm tra chữ ký",
    "file.unreadable.fix": "lấy lại bản gốc đã ký; nếu tệp có mật khẩu, xuất lại không mật khẩu rồi ký",
    "file.unsigned": "tệp chưa có chữ ký số nào",
    "file.unsigned.fix": "ký số tệp (hoso sign hoặc phần mềm ký số) rồi kiểm tra lại",
    "sig.contents-unreadable": "không đọc được nội dung chữ ký (/Contents hỏng hoặc bị cắt)",
    "sig.contents-unreadable.fix": "lấy lại bản gốc đã ký từ người ký",
    "sig.digest-mismatch": "nội dung đã bị thay đổi sau khi ký (mã băm không khớp)",
    "sig.digest-mismatch.fix": "không dùng tệp này; lấy lại bản gốc đã ký từ người ký",
    "sig.signature-invalid": "chữ ký số không khớp với chứng thư của người ký",
    "sig.signature-invalid.fix": "không dùng tệp này; đề nghị người ký ký lại",
    "sig.byte-range": "chữ ký không bao phủ trọn phiên bản đã ký (/ByteRange bất thường)",
    "sig.byte-range.fix": "không dùng tệp này; lấy lại bản gốc đã ký và ký lại nếu cần",
    "sig.forbidden-modification": "sau khi ký, tài liệu bị sửa ngoài việc thêm chữ ký (nội dung, trang, chú thích, ô nhập liệu…)",
    "sig.forbidden-modification.fix": "lấy lại bản đã ký trước lần sửa; mọi thay đổi nội dung phải làm trước khi ký, rồi ký lại",
    "sig.not-last-covers-file": "chữ ký cuối không bao phủ toàn bộ tệp: có dữ liệu thêm sau đó không phải chữ ký hay dữ liệu xác thực",
    "sig.not-last-covers-file.fix": "lấy lại bản gốc kết thúc bằng chữ ký cuối cùng",
    "sig.timestamp-invalid": "dấu thời gian của chữ ký bị hỏng",
    "sig.timestamp-invalid.fix": "lấy lại bản gốc đã ký, hoặc ký lại có dấu thời gian",
    "sig.timestamp-untrusted": "dấu thời gian của chữ ký không do đơn vị cấp dấu thời gian tin cậy cấp",
    "sig.timestamp-untrusted.fix": "thêm chứng thư CA của đơn vị cấp dấu thời gian vào trust/ nếu tin cậy được",
    "sig.untrusted-chain": "chứng thư người ký không dẫn đến CA tin cậy nào trong trust/",
    "sig.untrusted-chain.fix": "dùng chứng thư của tổ chức chứng thực được cấp phép; nếu CA đúng, thêm chứng thư CA vào trust/",
    "sig.self-signed": "chứng thư người ký tự cấp, không do tổ chức chứng thực cấp",
    "sig.self-signed.fix": "ký lại bằng chứng thư số do tổ chức chứng thực được cấp phép cấp",
    "sig.expired-at-signing": "chứng thư đã hết hạn vào thời điểm ký",
    "sig.expired-at-signing.fix": "gia hạn chứng thư số rồi ký lại",
    "sig.not-yet-valid-at-signing": "chứng thư chưa có hiệu lực vào thời điểm ký",
    "sig.not-yet-valid-at-signing.fix": "kiểm tra đồng hồ máy ký; ký lại khi chứng thư đã có hiệu lực",
    "sig.revoked": "chứng thư đã bị thu hồi trước thời điểm ký",
    "sig.revoked.fix": "ký lại bằng chứng thư số còn hiệu lực",
    "sig.key-usage": "chứng thư không được phép dùng để ký (thiếu digitalSignature / nonRepudiation)",
    "sig.key-usage.fix": "ký lại bằng chứng thư số dùng cho chữ ký số",
    "sig.weak-digest": "thuật toán băm yếu (SHA-1/MD5), không đạt Thông tư 15/2025/TT-BKHCN",
    "sig.weak-digest.fix": "ký lại với SHA-256 trở lên",
    "sig.weak-key": "khóa ký quá ngắn (cần RSA ≥ 2048 bit hoặc ECDSA ≥ 256 bit)",
    "sig.weak-key.fix": "ký lại bằng chứng thư có khóa đủ mạnh",
    "sig.weak-chain": "chứng thư trong chuỗi dùng thuật toán yếu (SHA-1/MD5 hoặc khóa ngắn)",
    "sig.weak-chain.fix": "ký lại bằng chứng thư do CA dùng thuật toán đạt chuẩn cấp",
    "sig.unknown-signer": "chứng thư người ký không có trong people.yml",
    "sig.unknown-signer.fix": "thêm vân tay SHA-256 của chứng thư vào people.yml cho đúng người, hoặc ký lại bằng chứng thư đã khai báo",
    "sig.no-role-at-signing": "người ký không giữ vai trò nào vào ngày ký (theo people.yml)",
    "sig.no-role-at-signing.fix": "kiểm tra from/until của vai trò trong people.yml",
    "sig.no-signing-time": "chữ ký không ghi thời điểm ký",
    "sig.no-signing-time.fix": "ký lại bằng phần mềm ghi thời điểm ký (hoặc dấu thời gian)",
}
