<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../core/backend.py" line="152"/>
        <source>Cancelled</source>
        <translation>Đã hủy</translation>
    </message>
    <message>
        <location filename="../core/editing.py" line="72"/>
        <source>The commit was refused: validation found {count} error(s).</source>
        <translation>Không lưu: kiểm tra phát hiện {count} lỗi.</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="10"/>
        <source>Not registered</source>
        <translation>Chưa đăng ký</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="11"/>
        <source>Registered</source>
        <translation>Đã đăng ký</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="12"/>
        <source>Proposed for recognition</source>
        <translation>Đề nghị công nhận</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="13"/>
        <source>Recognised safe for security and order</source>
        <translation>Đạt chuẩn An toàn về ANTT</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="14"/>
        <source>Not recognised</source>
        <translation>Không đạt</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="15"/>
        <source>Recognition revoked</source>
        <translation>Bị thu hồi công nhận</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="16"/>
        <source>No data</source>
        <translation>Chưa có dữ liệu</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="25"/>
        <source>(not given)</source>
        <translation>(chưa nhập)</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="26"/>
        <source>Advanced unit</source>
        <translation>Tiên tiến</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="27"/>
        <source>Good</source>
        <translation>Khá</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="28"/>
        <source>Average</source>
        <translation>Trung bình</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="29"/>
        <source>Weak</source>
        <translation>Yếu</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="35"/>
        <source>Province</source>
        <translation>Tỉnh</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="35"/>
        <source>District</source>
        <translation>Huyện</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="35"/>
        <source>Commune</source>
        <translation>Xã, phường, thị trấn</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="36"/>
        <source>Residential area</source>
        <translation>Khu dân cư</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="36"/>
        <source>Agency</source>
        <translation>Cơ quan</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="36"/>
        <source>Enterprise</source>
        <translation>Doanh nghiệp</translation>
    </message>
    <message>
        <location filename="../core/labels.py" line="37"/>
        <source>School</source>
        <translation>Nhà trường</translation>
    </message>
    <message>
        <location filename="../core/layers.py" line="181"/>
        <source>Save or discard the edits of {layers} before changing the year.</source>
        <translation>Lưu hoặc hủy các chỉnh sửa của {layers} trước khi đổi năm.</translation>
    </message>
    <message>
        <location filename="../core/unit_edit.py" line="31"/>
        <source>decision number</source>
        <translation>số quyết định</translation>
    </message>
    <message>
        <location filename="../core/unit_edit.py" line="31"/>
        <source>decision date</source>
        <translation>ngày quyết định</translation>
    </message>
    <message>
        <location filename="../core/unit_edit.py" line="31"/>
        <source>issuing authority</source>
        <translation>cơ quan ban hành</translation>
    </message>
    <message>
        <location filename="../core/unit_edit.py" line="34"/>
        <source>A status of recognised or revoked needs the {what}.</source>
        <translation>Trạng thái đạt chuẩn hoặc thu hồi cần có {what}.</translation>
    </message>
    <message>
        <location filename="../core/unit_edit.py" line="36"/>
        <source>A hotspot designation needs the date it takes effect.</source>
        <translation>Xác định địa bàn trọng điểm cần có ngày hiệu lực.</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="38"/>
        <source>anttmap panel</source>
        <translation>Bảng anttmap</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="49"/>
        <source>&amp;anttmap</source>
        <translation>&amp;anttmap</translation>
    </message>
    <message>
        <source>SERVER: give the server's address, http://… or https://…</source>
        <translation>SERVER: nhập địa chỉ máy chủ, http://… hoặc https://…</translation>
    </message>
    <message>
        <source>or an anttmap server's address (the key set in the panel records it)</source>
        <translation>hoặc địa chỉ máy chủ anttmap (khóa đã đặt trong bảng điều khiển sẽ ghi)</translation>
    </message>
    <message>
        <source>Cannot read {path} as a layer.</source>
        <translation>Không đọc được {path} thành lớp dữ liệu.</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="34"/>
        <source>DATABASE: give the anttmap store (a SpatiaLite file or postgresql://…) or a server's address.</source>
        <translation>DATABASE: chọn CSDL anttmap (tệp SpatiaLite hoặc postgresql://…) hoặc địa chỉ máy chủ.</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="44"/>
        <source>ANTT store</source>
        <translation>CSDL phong trào ANTT</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="53"/>
        <source>anttmap store (SpatiaLite file, or postgresql://…)</source>
        <translation>CSDL anttmap (tệp SpatiaLite, hoặc postgresql://…)</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="56"/>
        <source>Editor&apos;s name for the audit log</source>
        <translation>Tên người sửa ghi vào nhật ký</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="71"/>
        <source>Import units</source>
        <translation>Nhập đơn vị</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="74"/>
        <source>Imports units from any GDAL vector file (Shapefile, GeoPackage, GeoJSON, KML, MapInfo, CSV) into the store, all or nothing. VN-2000 files without a usable .prj: choose the source CRS. Old TCVN3 (ABC), VNI or CP1258 attribute text is recognised automatically or as chosen.</source>
        <translation>Nhập đơn vị từ tệp bản đồ bất kỳ GDAL đọc được (Shapefile, GeoPackage, GeoJSON, KML, MapInfo, CSV) vào CSDL, nhập tất cả hoặc không nhập gì. Tệp VN-2000 không có .prj dùng được: chọn hệ tọa độ nguồn. Phông chữ cũ TCVN3 (ABC), VNI hoặc CP1258 được nhận biết tự động hoặc theo lựa chọn.</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="80"/>
        <source>File to import</source>
        <translation>Tệp cần nhập</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="233"/>
        <source>Kind of unit</source>
        <translation>Loại đơn vị</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="82"/>
        <source>Source CRS (VN-2000 preset)</source>
        <translation>Hệ tọa độ nguồn (VN-2000)</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="82"/>
        <source>From the file</source>
        <translation>Theo tệp</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="85"/>
        <source>Source CRS (any other)</source>
        <translation>Hệ tọa độ nguồn (khác)</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="86"/>
        <source>Text encoding</source>
        <translation>Bảng mã chữ</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="88"/>
        <source>Valid from (YYYY-MM-DD)</source>
        <translation>Hiệu lực từ (YYYY-MM-DD)</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="89"/>
        <source>Layer of a multi-layer file</source>
        <translation>Lớp (tệp nhiều lớp)</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="90"/>
        <source>Code field</source>
        <translation>Trường mã</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="91"/>
        <source>Name field</source>
        <translation>Trường tên</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="92"/>
        <source>Parent code field</source>
        <translation>Trường mã đơn vị cấp trên</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="93"/>
        <source>Replace overlapping versions</source>
        <translation>Thay thế phiên bản trùng thời gian</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="95"/>
        <source>Units imported</source>
        <translation>Số đơn vị đã nhập</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="104"/>
        <source>Importing {file} as {kind}…</source>
        <translation>Đang nhập {file} thành {kind}…</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="120"/>
        <source>Imported {count} (encoding {encoding}).</source>
        <translation>Đã nhập {count} (bảng mã {encoding}).</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="130"/>
        <source>Validate the store</source>
        <translation>Kiểm tra dữ liệu</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="133"/>
        <source>Geometry, topology and status rules of the units of a year (0: today&apos;s units). The findings become a layer with severity, problem, units and message, drawn where each problem is.</source>
        <translation>Kiểm tra hình học, quan hệ không gian và quy tắc trạng thái của các đơn vị trong năm (0: đơn vị hiện nay). Kết quả là một lớp có mức độ, lỗi, đơn vị và mô tả, vẽ tại vị trí của từng lỗi.</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="234"/>
        <source>Year (0: today&apos;s units)</source>
        <translation>Năm (0: đơn vị hiện nay)</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="140"/>
        <source>Findings</source>
        <translation>Kết quả kiểm tra</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="141"/>
        <source>Errors</source>
        <translation>Lỗi</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="142"/>
        <source>Warnings</source>
        <translation>Cảnh báo</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="164"/>
        <source>{errors} error(s), {warnings} warning(s)</source>
        <translation>{errors} lỗi, {warnings} cảnh báo</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="175"/>
        <source>Statistics per district</source>
        <translation>Thống kê theo huyện</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="178"/>
        <source>Units valid on 31 December of the year per district and for the province: total, registered, proposed, recognised and the share recognised against the programme&apos;s targets (over 70 % from 2015, over 90 % from 2020). All kinds of unit are pooled.</source>
        <translation>Đơn vị có hiệu lực ngày 31/12 của năm, theo huyện và toàn tỉnh: tổng số, đăng ký, đề nghị, đạt chuẩn và tỷ lệ đạt chuẩn so với chỉ tiêu (trên 70 % từ 2015, trên 90 % từ 2020). Gộp mọi loại đơn vị.</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="184"/>
        <source>Year</source>
        <translation>Năm</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="186"/>
        <source>Statistics</source>
        <translation>Thống kê</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="225"/>
        <source>Export units with their status</source>
        <translation>Xuất đơn vị kèm trạng thái</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="228"/>
        <source>Writes the units of a kind valid on 31 December of the year, with that year&apos;s status, to .gpkg, .geojson, .shp, .kml, .csv or .xlsx; choose a target CRS such as VN-2000 for deliveries.</source>
        <translation>Ghi các đơn vị một loại có hiệu lực ngày 31/12 của năm, kèm trạng thái năm đó, ra .gpkg, .geojson, .shp, .kml, .csv hoặc .xlsx; chọn hệ tọa độ đích, ví dụ VN-2000 khi giao nộp.</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="236"/>
        <source>Target CRS</source>
        <translation>Hệ tọa độ đích</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="237"/>
        <source>Output file</source>
        <translation>Tệp kết quả</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="241"/>
        <source>Features written</source>
        <translation>Số đối tượng đã ghi</translation>
    </message>
    <message>
        <location filename="../processing/algorithms.py" line="254"/>
        <source>Wrote {file}</source>
        <translation>Đã ghi {file}</translation>
    </message>
    <message>
        <location filename="../processing/provider.py" line="15"/>
        <source>anttmap (ANTT movement)</source>
        <translation>anttmap (phong trào ANTT)</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="29"/>
        <source>anttmap — ANTT movement</source>
        <translation>anttmap — phong trào toàn dân bảo vệ ANTQ</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="67"/>
        <source>Store</source>
        <translation>CSDL</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="68"/>
        <source>or server</source>
        <translation>hoặc máy chủ</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="70"/>
        <source>Tool</source>
        <translation>Công cụ</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="71"/>
        <source>Editor</source>
        <translation>Người sửa</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="75"/>
        <source>Load layers</source>
        <translation>Nạp lớp bản đồ</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="78"/>
        <source>Year: the units valid on 31 December and their status</source>
        <translation>Năm: các đơn vị có hiệu lực ngày 31/12 và trạng thái của năm</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="86"/>
        <source>Edit boundaries</source>
        <translation>Sửa ranh giới</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="88"/>
        <source>Check and save</source>
        <translation>Kiểm tra và lưu</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="90"/>
        <source>Save anyway…</source>
        <translation>Vẫn lưu…</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="91"/>
        <source>Save over validation errors, giving a reason that is recorded</source>
        <translation>Lưu dù còn lỗi, kèm lý do được ghi lại</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="98"/>
        <source>Unit form…</source>
        <translation>Thông tin đơn vị…</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="100"/>
        <source>Validate the year</source>
        <translation>Kiểm tra năm</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="107"/>
        <source>Severity</source>
        <translation>Mức độ</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="107"/>
        <source>Problem</source>
        <translation>Lỗi</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="107"/>
        <source>Units</source>
        <translation>Đơn vị</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="107"/>
        <source>Message</source>
        <translation>Mô tả</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="142"/>
        <source>Choose an anttmap store (a .sqlite file made by anttmap, or postgresql://…).</source>
        <translation>Chọn CSDL anttmap (tệp .sqlite do anttmap tạo, hoặc postgresql://…).</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="49"/>
        <source>A SpatiaLite file made by anttmap, or a PostGIS store: postgresql://user@host/database (its password in ~/.pgpass)</source>
        <translation>Tệp SpatiaLite do anttmap tạo, hoặc CSDL PostGIS: postgresql://người_dùng@máy_chủ/csdl (mật khẩu để trong ~/.pgpass)</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="192"/>
        <source>The store has no yearly status yet.</source>
        <translation>CSDL chưa có trạng thái hằng năm.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="201"/>
        <source>Loading layers…</source>
        <translation>Đang nạp lớp…</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="211"/>
        <source>{source}: {count} layers for {year}.</source>
        <translation>{source}: {count} lớp của năm {year}.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="266"/>
        <source>Changing the year…</source>
        <translation>Đang đổi năm…</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="271"/>
        <source>Units and statuses of {year}.</source>
        <translation>Đơn vị và trạng thái năm {year}.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="289"/>
        <source>Editing {layer}: topological editing and snapping are on; save with “Check and save”.</source>
        <translation>Đang sửa {layer}: đã bật sửa theo quan hệ không gian và bắt điểm; lưu bằng “Kiểm tra và lưu”.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="303"/>
        <source>No boundary edits to save.</source>
        <translation>Không có chỉnh sửa ranh giới cần lưu.</translation>
    </message>
    <message>
        <location filename="../core/editing.py" line="154"/>
        <source>Not saved: validation found {count} error(s). Fix them, or use “Save anyway…” with a reason.</source>
        <translation>Chưa lưu: kiểm tra phát hiện {count} lỗi. Sửa lỗi, hoặc dùng “Vẫn lưu…” kèm lý do.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="331"/>
        <source>Save anyway</source>
        <translation>Vẫn lưu</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="331"/>
        <source>Why must these edits be saved despite the errors? (recorded)</source>
        <translation>Vì sao phải lưu dù còn lỗi? (được ghi lại)</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="452"/>
        <source>Saved by {editor}.</source>
        <translation>Đã lưu, người sửa: {editor}.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="347"/>
        <source>Validating…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="350"/>
        <source>{errors} error(s), {warnings} warning(s).</source>
        <translation>{errors} lỗi, {warnings} cảnh báo.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="359"/>
        <source>error</source>
        <translation>lỗi</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="359"/>
        <source>warning</source>
        <translation>cảnh báo</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="443"/>
        <source>Select one unit on the map first.</source>
        <translation>Chọn một đơn vị trên bản đồ trước.</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="33"/>
        <source>Unit {code} — {name}</source>
        <translation>Đơn vị {code} — {name}</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="35"/>
        <source>year {year}</source>
        <translation>năm {year}</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="38"/>
        <source>Status of the year</source>
        <translation>Trạng thái của năm</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="49"/>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="50"/>
        <source>Decision number</source>
        <translation>Số quyết định</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="51"/>
        <source>Decision date</source>
        <translation>Ngày quyết định</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="52"/>
        <source>Issuing authority</source>
        <translation>Cơ quan ban hành</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="53"/>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="56"/>
        <source>Criteria (Circular 23/2012/TT-BCA)</source>
        <translation>Tiêu chí (Thông tư 23/2012/TT-BCA)</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="59"/>
        <source>Yes</source>
        <translation>Có</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="59"/>
        <source>No</source>
        <translation>Không</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="67"/>
        <source>Resolution and plan adopted</source>
        <translation>Có nghị quyết, kế hoạch</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="68"/>
        <source>Households that signed the pledge (%)</source>
        <translation>Hộ gia đình ký cam kết (%)</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="69"/>
        <source>Police unit rating</source>
        <translation>Xếp loại Công an cơ sở</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="70"/>
        <source>Villages recognised (%)</source>
        <translation>Khu dân cư đạt chuẩn (%)</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="71"/>
        <source>Effective self-management models</source>
        <translation>Mô hình tự quản hiệu quả</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="76"/>
        <source>Key hotspot area</source>
        <translation>Địa bàn trọng điểm</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="78"/>
        <source>Designated a key area with a complex security situation</source>
        <translation>Được xác định là địa bàn trọng điểm phức tạp về ANTT</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="84"/>
        <source>From (designation) or until (end)</source>
        <translation>Từ ngày (xác định) hoặc đến ngày (kết thúc)</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="85"/>
        <source>Decision</source>
        <translation>Quyết định</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="88"/>
        <source>Cluster membership in {year}</source>
        <translation>Tham gia cụm năm {year}</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="138"/>
        <source>required for recognised and revoked</source>
        <translation>bắt buộc khi đạt chuẩn hoặc thu hồi</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="183"/>
        <source>Not saved</source>
        <translation>Chưa lưu</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="285"/>
        <source>{layer} cannot be edited.</source>
        <translation>Không sửa được lớp {layer}.</translation>
    </message>
    <message>
        <location filename="../core/unit_provider.py" line="187"/>
        <source>This layer is read-only: load it from the anttmap panel to edit boundaries.</source>
        <translation>Lớp này chỉ để xem: nạp lớp từ bảng anttmap để sửa ranh giới.</translation>
    </message>
    <message>
        <location filename="../core/unit_provider.py" line="195"/>
        <source>Feature {fid} has no unit code: its boundary cannot be saved.</source>
        <translation>Đối tượng {fid} không có mã đơn vị: không lưu được ranh giới.</translation>
    </message>
    <message>
        <location filename="../core/i18n.py" line="19"/>
        <source>en</source>
        <translation>vi</translation>
    </message>
    <message>
        <location filename="../core/backend.py" line="83"/>
        <source>{source} offers no edits: open a local anttmap store to edit.</source>
        <translation>{source} không cho phép sửa: mở CSDL anttmap trên máy để sửa.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="54"/>
        <source>The server key (anttmap key add): a QGIS authentication configuration of type Basic whose password is the key. Without one the server shows its public layers.</source>
        <translation>Khóa máy chủ (anttmap key add): một cấu hình xác thực QGIS loại Basic, mật khẩu là khóa. Không có khóa, máy chủ chỉ cho xem các lớp công khai.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="57"/>
        <source>Paste key…</source>
        <translation>Dán khóa…</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="58"/>
        <source>Keep a key in QGIS&apos; authentication database for this server</source>
        <translation>Cất khóa của máy chủ này vào cơ sở dữ liệu xác thực của QGIS</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="69"/>
        <source>Key</source>
        <translation>Khóa</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="170"/>
        <source>Give the server&apos;s address first.</source>
        <translation>Nhập địa chỉ máy chủ trước.</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="173"/>
        <source>Server key</source>
        <translation>Khóa máy chủ</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="172"/>
        <source>The key `anttmap key add` printed for {server} (kept in QGIS&apos; authentication database):</source>
        <translation>Khóa mà `anttmap key add` đã in ra cho {server} (được cất trong cơ sở dữ liệu xác thực của QGIS):</translation>
    </message>
    <message>
        <location filename="../ui/panel.py" line="183"/>
        <source>Key kept in QGIS&apos; authentication database ({id}); load the layers again to use it.</source>
        <translation>Đã cất khóa vào cơ sở dữ liệu xác thực của QGIS ({id}); nạp lại lớp bản đồ để dùng khóa.</translation>
    </message>
    <message>
        <source>Not saved: {units} changed on the server since you loaded the layer (someone else saved). Your edits are kept: note them, discard, load the layers again and redo them.</source>
        <translation>Chưa lưu: {units} đã được người khác sửa trên máy chủ sau khi bạn nạp lớp. Các sửa đổi của bạn vẫn được giữ: ghi lại, bỏ sửa, nạp lại lớp rồi sửa lại.</translation>
    </message>
    <message>
        <source>The criteria are not saved over the network yet: use a local store.</source>
        <translation>Các tiêu chí chưa lưu được qua máy chủ: hãy dùng CSDL trên máy.</translation>
    </message>
    <message>
        <source>Not saved: the status of {code} in {year} was changed meanwhile ({status}, by {who}). Open the form again to see it.</source>
        <translation>Chưa lưu: trạng thái của {code} năm {year} vừa được sửa ({status}, bởi {who}). Mở lại biểu mẫu để xem.</translation>
    </message>
    <message>
        <source>{account} (this computer&apos;s account)</source>
        <translation>{account} (tài khoản của máy này)</translation>
    </message>
    <message>
        <source>nobody signed in (public layers only)</source>
        <translation>chưa đăng nhập (chỉ các lớp công khai)</translation>
    </message>
    <message>
        <source>whole store</source>
        <translation>toàn bộ CSDL</translation>
    </message>
    <message>
        <source>{name} ({role}, scope {scope})</source>
        <translation>{name} ({role}, phạm vi {scope})</translation>
    </message>
    <message>
        <source>{layer} — boundaries to edit</source>
        <translation>{layer} — ranh giới để sửa</translation>
    </message>
    <message>
        <source>(not connected)</source>
        <translation>(chưa kết nối)</translation>
    </message>
    <message>
        <source>Edits recorded as</source>
        <translation>Nhật ký ghi người sửa</translation>
    </message>
    <message>
        <source>read-only</source>
        <translation>chỉ xem</translation>
    </message>
    <message>
        <source>Lineage</source>
        <translation>Lịch sử sáp nhập, chia tách</translation>
    </message>
    <message>
        <source>Made from</source>
        <translation>Hình thành từ</translation>
    </message>
    <message>
        <source>Became</source>
        <translation>Trở thành</translation>
    </message>
    <message>
        <source>Record a merge, split or other change of units</source>
        <translation>Ghi nhận sáp nhập, chia tách hoặc thay đổi khác của đơn vị</translation>
    </message>
    <message>
        <source>Ends the units' versions the day before DATE and starts the new ones on it, under the legal decision, in one audited transaction; villages and facilities of a unit that ends move to the successor that holds them. A merge takes the merged codes and INTO (the new or kept code); a split and a creation take the new units' file; a rename NAME, a reclassification SUBTYPE, a transfer PARENT. With SERVER (http://…) instead of DATABASE the change is recorded by the server for the key set in the panel (an editor inside their scope).</source>
        <translation>Kết thúc phiên bản của các đơn vị vào ngày trước DATE và bắt đầu phiên bản mới từ ngày đó, theo văn bản pháp lý, trong một giao dịch có nhật ký; khu dân cư và cơ sở của đơn vị kết thúc chuyển về đơn vị kế thừa chứa chúng. Sáp nhập cần các mã bị nhập và INTO (mã mới hoặc mã giữ lại); chia tách và thành lập cần tệp đơn vị mới; đổi tên cần NAME, chuyển loại cần SUBTYPE, điều chuyển cần PARENT. Với SERVER (http://…) thay cho DATABASE, máy chủ ghi thay đổi cho khóa đã đặt trong bảng điều khiển (cán bộ biên tập trong phạm vi được giao).</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Thay đổi</translation>
    </message>
    <message>
        <source>Codes of the units it changes, comma-separated</source>
        <translation>Mã các đơn vị bị thay đổi, cách nhau bởi dấu phẩy</translation>
    </message>
    <message>
        <source>Effective date (YYYY-MM-DD)</source>
        <translation>Ngày có hiệu lực (YYYY-MM-DD)</translation>
    </message>
    <message>
        <source>Legal decision, e.g. 830/NQ-UBTVQH14</source>
        <translation>Văn bản pháp lý, ví dụ 830/NQ-UBTVQH14</translation>
    </message>
    <message>
        <source>Merge: the merged unit's code</source>
        <translation>Sáp nhập: mã đơn vị sau sáp nhập</translation>
    </message>
    <message>
        <source>New name</source>
        <translation>Tên mới</translation>
    </message>
    <message>
        <source>New type (xa, phuong, thi_tran)</source>
        <translation>Loại mới (xa, phuong, thi_tran)</translation>
    </message>
    <message>
        <source>New parent code</source>
        <translation>Mã đơn vị cấp trên mới</translation>
    </message>
    <message>
        <source>Split, creation: the new units' file</source>
        <translation>Chia tách, thành lập: tệp đơn vị mới</translation>
    </message>
    <message>
        <source>Lineage event</source>
        <translation>Sự kiện lịch sử</translation>
    </message>
    <message>
        <source>Ended {closed}; started {opened}.</source>
        <translation>Đã kết thúc {closed}; đã bắt đầu {opened}.</translation>
    </message>
    <message>
        <source>Merges and splits are recorded with the anttmap tool on the store (`anttmap lineage`) for now; the server has no API for them yet.</source>
        <translation>Hiện sáp nhập, chia tách được ghi bằng công cụ anttmap trên CSDL (`anttmap lineage`); máy chủ chưa có API cho việc này.</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="1"/>
        <source>Programme indicators of {year}</source>
        <translation>Các chỉ tiêu của phong trào năm {year}</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="1"/>
        <source>a whole number</source>
        <translation>số nguyên</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="1"/>
        <source>đồng, a whole number</source>
        <translation>số đồng, số nguyên</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="1"/>
        <source>0 to 100</source>
        <translation>từ 0 đến 100</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="1"/>
        <source>e.g. the report the figures come from</source>
        <translation>ví dụ: báo cáo có số liệu này</translation>
    </message>
    <message>
        <location filename="../ui/unit_form.py" line="1"/>
        <source>Note for the indicators</source>
        <translation>Ghi chú cho các chỉ tiêu</translation>
    </message>
</context>
</TS>
